package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.billing.StreamMeter;
import dev.tollgate.config.PromptBreakpoints;
import dev.tollgate.http.ApiException;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.limits.stop.EmergencyStops;
import dev.tollgate.limits.stop.Stop;
import dev.tollgate.limits.stop.StopErrors;
import dev.tollgate.limits.stop.StoppedException;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.LegacyCompletions;
import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import dev.tollgate.routing.health.ProviderHealth;
import dev.tollgate.usage.UsageFacts;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request path of DESIGN.md, top to bottom, for every chat wire format:
 * for each candidate: breaker → rpm → hold → provider (retried with backoff) → settle (or release) →
 * guard settled → respond. Every hold placed is settled or released on every exit path; retry and fallback happen only
 * before the first byte reaches the client. Auth, parsing and routing happened before; the responder owns the wire format.
 */
public final class ChatPipeline {
    private static final Logger LOG = Logger.getLogger(ChatPipeline.class.getName());
    private final Billing billing;
    private final ProviderHealth health;
    private final EmergencyStops stops;
    private final PromptBreakpoints breakpoints;

    public ChatPipeline(Billing billing, ProviderHealth health, EmergencyStops stops) {
        this(billing, health, stops, PromptBreakpoints.OFF);
    }

    /** {@code breakpoints}: {@code cache.auto_breakpoint}, told to every call (Anthropic adapters act on it). */
    public ChatPipeline(Billing billing, ProviderHealth health, EmergencyStops stops, PromptBreakpoints breakpoints) {
        this.billing = billing;
        this.health = health;
        this.stops = stops;
        this.breakpoints = breakpoints;
    }

    public Billing billing() { return billing; }

    /**
     * Answers {@code chat} from the first candidate that can (see {@link AttemptLoop}: retries with
     * backoff, breakers, provider rpm). The {@code x-tollgate-attempts} header says what was tried; it
     * is set before the first byte, and on the error answer when nothing succeeded.
     *
     * {@code settled} is told what was charged (null: nothing) once it is durable and BEFORE the answer's last
     * byte leaves, so the guard's limits (a max_parallel slot above all) are free again when the client has the
     * answer: a client that sends its next request at once is not refused by its own previous one.
     */
    public void run(Principal caller, String requestId, ChatRequest chat, List<Deployment> candidates,
                    ChatResponder out, Consumer<Reservation.Charged> settled) {
        AttemptLoop attempts = new AttemptLoop(health, caller, stops);
        attempts.refuseStoppedCaller();
        attempts.skippedByRoute(Routes.takeSkipped());
        try {
            attempts.run(candidates, (d, holdId) -> billing.reserve(caller.accountId(), holdId, d, chat.body()),
                    (d, hold, attempt) -> chat.stream() ? stream(caller, chat, d, hold, requestId, out, attempt, settled)
                            : complete(caller, chat, d, hold, requestId, out, attempt, settled));
        } catch (ApiException e) {
            out.attempts(attempts.attemptsHeader());
            throw e;
        }
    }

    private Reservation.Charged complete(Principal caller, ChatRequest chat, Deployment d, Reservation hold,
                                         String requestId, ChatResponder out, AttemptLoop.Try attempt,
                                         Consumer<Reservation.Charged> settled) throws ProviderException {
        StructuredOutput check = StructuredOutput.of(chat.body()); // compiled before routing too: cannot fail here
        long startNs = System.nanoTime();
        ChatResult result = d.provider().complete(call(chat, d, requestId, false, breakpoints.minTokens(caller.plan(), d.publicName())));
        Usage usage = usage(chat.body(), d, result);
        health.speeds().throughput(d, usage.completionTokens(), (System.nanoTime() - startNs) / 1_000_000); // provider.sort
        Reservation.Charged charged = hold.settle(usage, requestId);
        ObjectNode answer = result.body();
        if (check != null) { // structured outputs: checked, repaired once when invalid (both calls billed)
            try {
                SchemaRepair.Outcome checked = SchemaRepair.check(check, billing, caller.accountId(), requestId, d,
                        chat.body(), result, charged, body -> call(body, d, requestId),
                        second -> usage(chat.body(), d, second));
                answer = checked.completion();
                charged = checked.charged();
                out.schemaVerdict(checked.verdict());
            } catch (RuntimeException e) { // the first answer is paid for: deliver it, with no verdict
                LOG.log(Level.WARNING, "checking a structured answer failed; it is delivered unchecked", e);
            }
        }
        tell(settled, charged);
        out.attempts(attempt.answeredHeader());
        out.dropped(d.provider().droppedFields(chat.body()));
        out.answer(answer, d, charged);
        return charged;
    }

    private static Usage usage(ObjectNode request, Deployment d, ChatResult result) {
        return result.usage() != null ? result.usage() : counted(request, d, result.body());
    }

    private Reservation.Charged stream(Principal caller, ChatRequest chat, Deployment d, Reservation hold,
                                       String requestId, ChatResponder out, AttemptLoop.Try attempt,
                                       Consumer<Reservation.Charged> settled) throws ProviderException {
        StreamMeter meter = new StreamMeter();
        UsageFacts facts = UsageFacts.current();
        long startNs = System.nanoTime();
        long[] firstNs = {0}; // when the first chunk arrived: latency and throughput for provider.sort
        EmergencyStops.Stream tracked = stops.track(caller, d.providerName()); // emergency stop: may close the upstream
        try {
            if (tracked.stopped() != null) throw new StoppedException(tracked.stopped()); // emergency stop since admission
            d.provider().stream(call(chat, d, requestId, true, breakpoints.minTokens(caller.plan(), d.publicName())), chunk -> {
                if (tracked.stopped() != null) throw new StoppedException(tracked.stopped()); // emergency stop
                if (chunk.usageOnly()) { // the usage chunk waits for its cost
                    meter.accept(chunk);
                    return;
                }
                if (firstNs[0] == 0) firstNs[0] = System.nanoTime();
                if (!out.started()) {
                    out.attempts(attempt.answeredHeader()); // headers go with the first byte
                    out.dropped(d.provider().droppedFields(chat.body()));
                    facts.firstByte();
                }
                out.chunk(chunk, d);
                // metered once written: a chunk whose write found the client gone is not billed
                if (out.clientGone()) throw new ClientGoneException(); // closes the upstream call at once
                meter.accept(chunk);
            });
        } catch (StoppedException e) { // emergency stop, seen before the call or at a chunk
            return stopped(e.stop(), chat, d, hold, requestId, out, meter, settled);
        } catch (ClientGoneException e) { // nobody reads on: bill what reached the client, answer nothing more
            // the provider read the prompt (and charges for it) even when no text reached the client yet
            Reservation.Charged charged = hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
            tell(settled, charged);
            return charged;
        } catch (ProviderException e) {
            if (tracked.stopped() != null) { // emergency stop: it closed the upstream this call was reading
                return stopped(tracked.stopped(), chat, d, hold, requestId, out, meter, settled);
            }
            if (!out.started() && !meter.producedTokens()) throw e; // nothing reached anyone: retry or fall over
            // Bytes reached the client: no retry, no fallback now. Bill what was produced, say so in-band.
            attempt.failedAfterStart(e);
            Reservation.Charged charged = producedOrReleased(chat, d, hold, requestId, meter);
            tell(settled, charged);
            facts.error(failure(e).code());
            out.streamFailed(failure(e));
            return charged;
        } finally {
            tracked.close();
        }
        Reservation.Charged charged = hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
        if (firstNs[0] > 0) {
            health.speeds().latency(d, (firstNs[0] - startNs) / 1_000_000);
            health.speeds().throughput(d, charged.usage().completionTokens(), (System.nanoTime() - firstNs[0]) / 1_000_000);
        }
        tell(settled, charged);
        out.streamDone(meter.usageChunk(), charged);
        return charged;
    }

    /**
     * An emergency stop ended this stream. Before any byte reached the client the attempt loop decides
     * (another provider, or 503); after, the stream ends with the in-band error, billed for what was produced.
     */
    private Reservation.Charged stopped(Stop stop, ChatRequest chat, Deployment d, Reservation hold, String requestId,
                                        ChatResponder out, StreamMeter meter, Consumer<Reservation.Charged> settled) {
        if (!out.started() && !meter.producedTokens()) throw new StoppedException(stop);
        Reservation.Charged charged = producedOrReleased(chat, d, hold, requestId, meter);
        tell(settled, charged);
        UsageFacts.current().error("emergency_stop");
        out.streamFailed(StopErrors.refused(stop));
        stops.streamEnded();
        return charged;
    }

    /** The guard's settlement must not cost the client an answer that is already paid for. */
    private static void tell(Consumer<Reservation.Charged> settled, Reservation.Charged charged) {
        try {
            settled.accept(charged);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "settling the guard's limits failed; its reservations expire", e);
        }
    }

    /** A stream that broke after it started: charged for what it produced, else its hold released (null). */
    private static Reservation.Charged producedOrReleased(ChatRequest chat, Deployment d, Reservation hold,
                                                          String requestId, StreamMeter meter) {
        if (meter.producedTokens()) return hold.settle(meter.usage(chat.body(), d.upstreamModel()), requestId);
        hold.release();
        return null;
    }

    private static Usage counted(ObjectNode request, Deployment d, ObjectNode body) {
        // every choice, and everything in it the model generated: text, reasoning, tool calls
        StringBuilder text = new StringBuilder();
        for (JsonNode c : body.path("choices")) {
            JsonNode m = c.path("message");
            text.append(m.path("content").asText("")).append(m.path("reasoning_content").asText(""));
            for (JsonNode call : m.path("tool_calls")) {
                text.append(call.path("function").path("name").asText("")).append(call.path("function").path("arguments").asText(""));
            }
        }
        return Usage.of(PromptTokens.exact(request, d.upstreamModel()), OutputTokens.count(text.toString(), d.upstreamModel()));
    }

    /** A non-streamed call with {@code body} (the schema repair's second call: never the client's Anthropic body). */
    private static ChatCall call(ObjectNode body, Deployment d, String requestId) {
        body.put("model", d.upstreamModel());
        return new ChatCall(requestId, d.upstreamModel(), body, false);
    }

    private static ChatCall call(ChatRequest chat, Deployment d, String requestId, boolean stream, long breakpointMinTokens) {
        ObjectNode body = chat.body();
        body.put("model", d.upstreamModel());
        if (stream) body.withObjectProperty("stream_options").put("include_usage", true);
        return new ChatCall(requestId, d.upstreamModel(), body, stream, chat.anthropicBody(), legacyBody(chat, d, stream),
                breakpointMinTokens);
    }

    /** The client's legacy completions body for a deployment that serves that endpoint, else null (chat translation). */
    private static ObjectNode legacyBody(ChatRequest chat, Deployment d, boolean stream) {
        if (chat.legacyBody() == null || !(d.provider() instanceof LegacyCompletions) || !d.model().can("completions")) return null;
        ObjectNode body = chat.legacyBody().deepCopy().put("model", d.upstreamModel());
        if (stream) body.withObjectProperty("stream_options").put("include_usage", true);
        return body;
    }

    static ApiException failure(ProviderException e) {
        if (e.kind() == ProviderException.Kind.BAD_REQUEST) {
            return new ApiException(400, "invalid_request_error", "invalid_request_error", null, e.getMessage(), null);
        }
        return ApiException.upstream(e.clientStatus(), e.getMessage());
    }

    public static ApiException insufficient(InsufficientCreditsException e) {
        return new ApiException(402, "insufficient_credits", "insufficient_credits", null,
                "Insufficient credits: this request needs up to " + Cost.toCredits(e.requiredMicros())
                        + " credits (its worst case) but the account has " + Cost.toCredits(Math.max(0, e.availableMicros()))
                        + " available", null);
    }
}
