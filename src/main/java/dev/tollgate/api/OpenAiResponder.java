package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.ErrorBodies;
import dev.tollgate.http.SseOut;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes chat answers in the OpenAI wire format: JSON, or SSE chunks ending in [DONE]. The body's {@code model}
 * is the public name the caller asked for (plain and every chunk); {@code x-tollgate-model} says which answered.
 */
public final class OpenAiResponder implements ChatResponder {
    private final ServerResponse res;
    private final SseOut sse;
    private final boolean clientWantsUsage;
    /** The caller's {@code model}; null when it named only a {@code models} list (then: the public name that answered). */
    private String requestedModel;

    OpenAiResponder(ServerResponse res, boolean clientWantsUsage, String requestedModel) {
        this.res = res;
        this.sse = new SseOut(res);
        this.clientWantsUsage = clientWantsUsage;
        this.requestedModel = requestedModel;
    }

    @Override
    public void attempts(String header) {
        if (!res.isSent() && !sse.started()) res.header(AttemptLog.HEADER, header);
    }

    @Override
    public void schemaVerdict(String verdict) { res.header(StructuredOutput.HEADER, verdict); }

    @Override
    public void dropped(java.util.List<String> fields) {
        if (!fields.isEmpty() && !res.isSent() && !sse.started()) res.header("x-tollgate-dropped-fields", String.join(", ", fields));
    }

    @Override
    public void answer(ObjectNode completion, Deployment answeredBy, Reservation.Charged charged) {
        putUsage(completion.withObjectProperty("usage"), charged);
        completion.put("model", bodyModel(answeredBy));
        answeredBy(res, answeredBy);
        OpenAiResponder.sendBilled(res, charged, completion);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment answeredBy) {
        if (!sse.started()) answeredBy(res, answeredBy);
        sse.data(ModelField.rewrite(chunk.json(), bodyModel(answeredBy)));
    }

    private String bodyModel(Deployment answeredBy) {
        if (requestedModel == null) requestedModel = answeredBy.publicName();
        return requestedModel;
    }

    @Override
    public boolean started() { return sse.started(); }

    @Override
    public boolean clientGone() { return sse.clientGone(); }

    @Override
    public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) {
        if (clientWantsUsage) {
            ObjectNode chunk = usageChunk == null ? null : (ObjectNode) Json.parseOrNull(usageChunk.json());
            if (chunk == null) {
                chunk = Json.object().put("object", "chat.completion.chunk");
                chunk.putArray("choices");
            }
            if (requestedModel != null) chunk.put("model", requestedModel);
            putUsage(chunk.withObjectProperty("usage"), charged);
            sse.data(Json.bytes(chunk));
        }
        sse.done();
        sse.close();
    }

    @Override
    public void streamFailed(ApiException error) {
        sse.data(Json.bytes(ErrorBodies.openAi(error)));
        sse.close();
    }

    /** Completes the usage object with our counts where the provider gave none, and the cost in credits. */
    static void putUsage(ObjectNode usage, Reservation.Charged charged) {
        if (!usage.has("prompt_tokens")) {
            usage.put("prompt_tokens", charged.usage().promptTokens());
            usage.put("completion_tokens", charged.usage().completionTokens());
            usage.put("total_tokens", charged.usage().totalTokens());
        }
        usage.put("cost", Cost.toCreditsDecimal(charged.costMicros()));
        promptCaching(usage, charged);
    }

    /**
     * Provider prompt caching (docs/caching.md): {@code prompt_tokens_details.cached_tokens} and
     * {@code .cache_write_tokens} where the provider's usage lacks them, and {@code cost_details.cache_discount}
     * (credits saved against the plain input price; negative when writes cost more) when the prompt cache was used.
     */
    private static void promptCaching(ObjectNode usage, Reservation.Charged charged) {
        dev.tollgate.metering.Usage u = charged.usage();
        if (usage.get("prompt_tokens_details") instanceof ObjectNode details) {
            if (!details.has("cached_tokens")) details.put("cached_tokens", u.cachedPromptTokens());
            if (!details.has("cache_write_tokens")) details.put("cache_write_tokens", u.allCacheWriteTokens());
        } else if (!usage.has("prompt_tokens_details")) {
            usage.putObject("prompt_tokens_details").put("cached_tokens", u.cachedPromptTokens())
                    .put("cache_write_tokens", u.allCacheWriteTokens());
        }
        if (u.cachedPromptTokens() + u.allCacheWriteTokens() > 0) {
            usage.withObjectProperty("cost_details").put("cache_discount", cacheDiscount(charged.cacheDiscountMicros()));
        }
    }

    private static java.math.BigDecimal cacheDiscount(long micros) {
        return micros < 0 ? Cost.toCreditsDecimal(-micros).negate() : Cost.toCreditsDecimal(micros);
    }

    /** A complete answer's JSON with the billing headers ({@code x-tollgate-cost}, and the balance when there is one). */
    public static void sendBilled(ServerResponse res, Reservation.Charged charged, com.fasterxml.jackson.databind.JsonNode body) {
        res.header("x-tollgate-cost", charged.costCredits());
        if (charged.balanceCredits() != null) res.header("x-tollgate-balance", charged.balanceCredits());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }

    public static void answeredBy(ServerResponse res, Deployment d) {
        res.header("x-tollgate-provider", d.providerName());
        res.header("x-tollgate-model", d.publicName());
    }
}
