package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.cache.CacheAsk;
import dev.tollgate.cache.CacheKey;
import dev.tollgate.cache.CachedAnswer;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.config.Limits;
import dev.tollgate.ledger.InsufficientCreditsException;
import dev.tollgate.limits.Spent;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The cache step of the chat pipeline (DESIGN.md: guard → state → <b>cache</b> → route → hold → call): looks the
 * request up; a hit is replayed through the responder (as SSE when the client streams) and charged
 * {@code cache.hit_price} × the original cost through the ledger; a miss gets a responder that stores the
 * answer once it is complete and successful. The cache package does the storing; this file only wires it.
 */
public final class CacheStep {
    private final ResponseCache cache;
    private final Billing billing;

    public CacheStep(ResponseCache cache, Billing billing) {
        this.cache = cache;
        this.billing = billing;
    }

    /** Before parsing: what the request asks of the cache; takes the body's {@code cache} field out. */
    public CacheAsk ask(ServerRequest req, ObjectNode body, Limits.Plan plan) {
        return cache.ask(body, header(req, CacheAsk.TTL_HEADER), header(req, CacheAsk.HEADER), plan);
    }

    /**
     * Answers from the cache (returns null: the request is done, {@code settled} was told the hit's spend before
     * its last byte), or returns the responder the provider call should write to (storing the answer when due).
     * Call before the pipeline: the key is taken from the body as the client sent it.
     */
    public ChatResponder answerOrPass(Principal caller, String requestId, CacheAsk ask, ChatRequest chat,
                                      List<Deployment> candidates, ChatResponder out, BiConsumer<String, String> headers,
                                      Consumer<Spent> settled) {
        String before = ask.headerBeforeLookup();
        if (!ask.active()) {
            if (before != null) {
                headers.accept(CacheAsk.HEADER, before);
                cache.bypassed(caller.accountId());
            }
            return out;
        }
        String key = CacheKey.of(caller.accountId(), publicModel(chat), chat.body());
        if (ask.lookup()) {
            CachedAnswer hit = cache.lookup(caller.accountId(), key);
            if (hit != null && (chat.stream() || !hit.streamed())) {
                replay(caller, requestId, chat, hit, candidates, out, headers, settled);
                return null;
            }
            if (hit != null) cache.unusable(caller.accountId()); // stored chunks do not answer a plain request
            headers.accept(CacheAsk.HEADER, "miss");
        } else {
            headers.accept(CacheAsk.HEADER, before);
            cache.bypassed(caller.accountId());
        }
        return new RecordingResponder(out, cache, key, ask.ttlS());
    }

    private void replay(Principal caller, String requestId, ChatRequest chat, CachedAnswer hit, List<Deployment> candidates,
                        ChatResponder out, BiConsumer<String, String> headers, Consumer<Spent> settled) {
        Deployment d = answeredBy(candidates, hit);
        long micros = cache.hitMicros(hit.costMicros());
        Reservation.Charged charged;
        try {
            Reservation r = billing.reserve(caller.accountId(), requestId + ":cache", d, micros);
            try {
                charged = r.settleCacheHit(micros, hit.usage(), requestId);
            } finally {
                r.release(); // a no-op after the settle; gives the hold back if it failed
            }
        } catch (InsufficientCreditsException e) {
            throw ChatPipeline.insufficient(e);
        }
        cache.served(caller.accountId(), hit, charged.costMicros());
        dev.tollgate.usage.UsageFacts.current().cacheHit(hit.costMicros() - charged.costMicros());
        settled.accept(new Spent(0, charged.costMicros(), 0)); // counts as a request; no provider tokens
        headers.accept(CacheAsk.HEADER, "hit");
        headers.accept("age", Long.toString(hit.ageS(cache.nowMs())));
        if (!chat.stream()) {
            out.answer(hit.completion().deepCopy(), d, charged);
            return;
        }
        List<byte[]> chunks = hit.streamed() ? hit.chunks().stream().map(CacheStep::utf8).toList()
                : CompletionChunks.of(hit.completion());
        for (byte[] c : chunks) out.chunk(new StreamChunk(c, null, false, ""), d);
        String usage = hit.streamed() ? hit.usageChunk() : CompletionChunks.usageChunk(hit.completion());
        out.streamDone(usage == null ? null : new StreamChunk(utf8(usage), hit.usage(), true, ""), charged);
    }

    /** The candidate of the provider that answered the first time (its headers), else the first one. */
    private static Deployment answeredBy(List<Deployment> candidates, CachedAnswer hit) {
        for (Deployment d : candidates) {
            if (d.providerName().equals(hit.provider()) && d.publicName().equals(hit.model())) return d;
        }
        return candidates.get(0);
    }

    /** The names the client asked for, as routing saw them: a fallback list is part of what was asked. */
    private static String publicModel(ChatRequest chat) {
        return chat.models().isEmpty() ? String.valueOf(chat.model())
                : chat.model() + "|" + String.join(",", chat.models());
    }

    private static String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
