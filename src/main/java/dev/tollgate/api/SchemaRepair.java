package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.RequestIds;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The check-and-repair step of structured outputs (docs/structured-outputs.md), for a non-streamed answer that
 * is already charged. A conforming answer is {@code valid}. Otherwise the same deployment is asked once more — the
 * request, the invalid answer and the validator's errors — under its own hold, billed like any call: a conforming
 * second answer is {@code repaired}, else {@code invalid}. The client gets the last answer, and one charge that is
 * the sum of both (the ledger holds two, each settled). No repair is tried when {@code n} asks for several
 * answers, when the caller cannot cover the second call's worst case, or when it fails: the first answer is
 * delivered, {@code invalid}.
 */
final class SchemaRepair {
    private static final Logger LOG = Logger.getLogger(SchemaRepair.class.getName());
    static final String VALID = "valid";
    static final String REPAIRED = "repaired";
    static final String INVALID = "invalid";

    /** What to answer: the completion, the total charge, the verdict for {@link StructuredOutput#HEADER}. */
    record Outcome(ObjectNode completion, Reservation.Charged charged, String verdict) {}

    private SchemaRepair() {}

    /**
     * @param call makes the upstream call for a chat body (model, stream flags set as for the first call)
     */
    static Outcome check(StructuredOutput check, Billing billing, String accountId, String requestId, Deployment d,
                         ObjectNode request, ChatResult first, Reservation.Charged firstCharge,
                         Function<ObjectNode, ChatCall> call, Function<ChatResult, Usage> usageOf) {
        List<String> problems = check.problems(first.body());
        if (problems.isEmpty()) return new Outcome(first.body(), firstCharge, VALID);
        if (request.path("n").asInt(1) > 1) return new Outcome(first.body(), firstCharge, INVALID);
        ObjectNode retry = repairRequest(request, first.body(), problems);
        Reservation hold;
        try {
            hold = billing.reserve(accountId, "h_" + RequestIds.newLedgerId() + "_repair", d, retry);
        } catch (InsufficientCreditsException e) {
            return new Outcome(first.body(), firstCharge, INVALID); // the first answer is paid for; no second one
        }
        ChatResult second;
        try {
            second = d.provider().complete(call.apply(retry));
        } catch (ProviderException | RuntimeException e) {
            hold.release();
            LOG.log(Level.FINE, "schema repair call failed; the first answer is delivered", e);
            return new Outcome(first.body(), firstCharge, INVALID);
        }
        Reservation.Charged secondCharge;
        try {
            secondCharge = hold.settle(usageOf.apply(second), requestId);
        } finally {
            hold.release(); // a no-op after settle
        }
        ObjectNode answer = second.body();
        answer.remove("usage"); // the usage answered is both calls' (filled from the total charge)
        String verdict = check.problems(answer).isEmpty() ? REPAIRED : INVALID;
        return new Outcome(answer, sum(firstCharge, secondCharge), verdict);
    }

    /** The request again, with the invalid answer and what was wrong with it as the last two turns. */
    static ObjectNode repairRequest(ObjectNode request, ObjectNode invalid, List<String> problems) {
        ObjectNode retry = request.deepCopy();
        ArrayNode messages = retry.withArray("messages");
        JsonNode content = invalid.path("choices").path(0).path("message").path("content");
        messages.addObject().put("role", "assistant").put("content", content.isTextual() ? content.asText() : "");
        messages.addObject().put("role", "user").put("content",
                "Your previous answer does not match the required JSON schema:\n- " + String.join("\n- ", problems)
                        + "\nAnswer again with only the corrected JSON: no prose, no code fences.");
        return retry;
    }

    /** Both calls as one charge: costs and tokens added, the balance after the second. */
    static Reservation.Charged sum(Reservation.Charged a, Reservation.Charged b) {
        Usage x = a.usage();
        Usage y = b.usage();
        Usage usage = new Usage(x.promptTokens() + y.promptTokens(), x.cachedPromptTokens() + y.cachedPromptTokens(),
                x.completionTokens() + y.completionTokens(), x.reasoningTokens() + y.reasoningTokens(),
                x.cacheWriteTokens() + y.cacheWriteTokens(), x.cacheWrite1hTokens() + y.cacheWrite1hTokens());
        Long balance = b.balanceAfterMicros() != null ? b.balanceAfterMicros() : a.balanceAfterMicros();
        return new Reservation.Charged(a.costMicros() + b.costMicros(), balance, usage,
                a.cacheDiscountMicros() + b.cacheDiscountMicros());
    }
}
