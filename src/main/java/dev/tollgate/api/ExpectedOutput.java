package dev.tollgate.api;

import dev.tollgate.usage.UsageQueries;
import dev.tollgate.usage.Window;
import java.time.Clock;

/**
 * How many output tokens a request will probably produce, from what was observed (rollups of the last
 * {@value #DAYS} days): this account's successful requests to this model and task type, else to this
 * model, else everyone's for this model and task type, else for this model; a basis needs at least
 * {@value #SAMPLES_MIN} requests. Never above the request's own output cap; with no basis, the cap.
 */
final class ExpectedOutput {
    static final int DAYS = 30;
    static final int SAMPLES_MIN = 5;

    record Guess(long outputTokens, long sampleSize, String basis) {}

    private final UsageQueries history;
    private final Clock clock;

    ExpectedOutput(UsageQueries history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    Guess guess(String accountId, String model, String task, long outputCap) {
        Window w = Window.days(DAYS, clock.millis());
        String[][] bases = {{accountId, task, "account_model_task"}, {accountId, null, "account_model"},
                {null, task, "model_task"}, {null, null, "model"}};
        for (String[] b : bases) {
            long[] seen = history.observedOutput(b[0], model, b[1], w);
            if (seen[0] >= SAMPLES_MIN) {
                long mean = (seen[1] + seen[0] - 1) / seen[0]; // rounded up: an estimate should not flatter
                return new Guess(Math.min(outputCap, mean), seen[0], b[2]);
            }
        }
        return new Guess(outputCap, 0, "output_cap");
    }
}
