package dev.tollgate.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id (the caller's {@code x-request-id} when it is sane, else a new one) and
 * puts it on every response, errors included.
 */
public final class RequestIds implements Filter {
    public static final HeaderName HEADER = HeaderNames.create("x-request-id");
    private static final String CONTEXT_KEY = "tollgate.request-id";
    private static final int ID_CHARS_MAX = 128;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(HEADER).filter(RequestIds::sane).orElseGet(RequestIds::newId);
        req.context().register(CONTEXT_KEY, id);
        res.header(HEADER, id);
        chain.proceed();
    }

    public static String of(ServerRequest req) {
        return req.context().get(CONTEXT_KEY, String.class).orElse("unknown");
    }

    /** A random prefix per process plus a counter: unique across replicas and restarts, and cheap. */
    private static final String PROCESS_PREFIX = Long.toHexString(new java.security.SecureRandom().nextLong() | Long.MIN_VALUE);
    private static final java.util.concurrent.atomic.AtomicLong LEDGER_SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    /** Ledger ids are always ours: a caller-chosen request id must never collide with another charge. */
    public static String newLedgerId() {
        return PROCESS_PREFIX + Long.toHexString(LEDGER_SEQUENCE.incrementAndGet());
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    /** Caller ids are echoed into logs and ledger rows: keep them short and plain. */
    static boolean sane(String id) {
        if (id.isEmpty() || id.length() > ID_CHARS_MAX) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_' && c != '.' && c != ':') return false;
        }
        return true;
    }
}
