package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.ledger.Balance;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.ModelPrice;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import dev.tollgate.routing.Deployment;
import dev.tollgate.json.Json;
import dev.tollgate.routing.auto.PromptAnalyzer;
import dev.tollgate.routing.auto.TaskType;
import dev.tollgate.usage.UsageQueries;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/estimate}: what a chat request would cost on the first candidate the router
 * picks (capabilities, context, budgets, prefer_cheap and auto all apply), without calling a provider.
 * For {@code "model": "auto"} it adds the decision: task_type, complexity, selected_model,
 * quality_score, reasoning. estimated_cost prices the counted prompt and the output cap; max_cost is what the
 * gateway would hold; sufficient says whether that hold would be placed now. expected_cost prices the
 * counted prompt and the output this account (else everyone) observed for this model and task type
 * ({@link ExpectedOutput}); expected_basis and sample_size say what that rests on.
 */
public final class Estimate implements Handler {
    private final Authenticator auth;
    private final Router router;
    private final Billing billing;
    private final long maxBodyBytes;
    private final ExpectedOutput expected;

    public Estimate(Authenticator auth, Router router, Billing billing, long maxBodyBytes, UsageQueries history,
                    java.time.Clock clock) {
        this.auth = auth;
        this.router = router;
        this.billing = billing;
        this.maxBodyBytes = maxBodyBytes;
        this.expected = new ExpectedOutput(history, clock);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        TaskType declared = DeclaredTask.peek(req, chat.body());
        Route route = Routes.of(router, chat, p, req);
        Deployment d = route.candidates().get(0);
        ModelPrice price = billing.price(d);
        long inputTokens = PromptTokens.exact(chat.body(), d.upstreamModel());
        long outputTokens = billing.outputBound(chat.body()); // all n answers
        long estimated = Cost.costMicros(price, Usage.of(inputTokens, outputTokens));
        Balance balance = billing.balance(p.accountId());
        long available = Math.max(0, balance.availableMicros());
        long held = billing.quoteMicros(d, chat.body(), available); // the same rule the hold follows
        ObjectNode out = Json.object().put("model", d.publicName()).put("provider", d.providerName());
        out.put("estimated_input_tokens", inputTokens);
        out.put("estimated_output_tokens", outputTokens);
        out.put("estimated_cost", Cost.toCreditsDecimal(estimated));
        out.put("max_cost", Cost.toCreditsDecimal(held));
        out.put("balance", Cost.toCreditsDecimal(balance.postedMicros()));
        out.put("sufficient", price.free() || held <= available);
        TaskType task = route.auto() != null ? route.auto().analysis().taskType()
                : declared != null ? declared : PromptAnalyzer.analyze(chat.body()).taskType();
        ExpectedOutput.Guess guess = expected.guess(p.accountId(), d.publicName(), task.wireName(), outputTokens);
        out.put("expected_output_tokens", guess.outputTokens());
        out.put("expected_cost", Cost.toCreditsDecimal(Cost.costMicros(price, Usage.of(inputTokens, guess.outputTokens()))));
        out.put("sample_size", guess.sampleSize());
        out.put("expected_basis", guess.basis());
        if (route.auto() != null) { // model: auto — the decision, as the chat headers report it
            out.put("task_type", route.auto().analysis().taskType().wireName());
            out.put("complexity", route.auto().analysis().complexity().wireName());
            out.put("selected_model", route.auto().model());
            out.put("quality_score", new java.math.BigDecimal(route.qualityScore()));
            out.put("reasoning", route.auto().reasoning());
        }
        Admin.json(res, 200, out);
    }
}
