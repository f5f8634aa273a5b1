package dev.tollgate.limits;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The OpenAI rate-limit headers (CONTRACT §5): {@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -reset-requests} and the {@code -tokens} trio. Where a key and its account both limit, the headers
 * describe the tighter one (the fewer remaining). Reset is the time until that bucket is full again, in
 * OpenAI's format ("20ms", "1s", "1.5s", "6m0s").
 */
final class RateHeaders {
    private RateHeaders() {}

    static void write(List<RateCheck> checks, RateLimits.Taken taken, BiConsumer<String, String> headers) {
        write(checks, taken, RateCheck.Kind.RPM, "requests", headers);
        write(checks, taken, RateCheck.Kind.TPM, "tokens", headers);
    }

    private static void write(List<RateCheck> checks, RateLimits.Taken taken, RateCheck.Kind kind, String suffix,
                              BiConsumer<String, String> headers) {
        int tightest = -1;
        for (int i = 0; i < checks.size(); i++) {
            if (checks.get(i).kind() != kind) continue;
            if (tightest < 0 || remaining(checks, taken, i) < remaining(checks, taken, tightest)) tightest = i;
        }
        if (tightest < 0) return;
        headers.accept("x-ratelimit-limit-" + suffix, Integer.toString(checks.get(tightest).limit()));
        headers.accept("x-ratelimit-remaining-" + suffix, Long.toString(remaining(checks, taken, tightest)));
        headers.accept("x-ratelimit-reset-" + suffix, duration(Math.max(0, taken.resetMs()[tightest])));
    }

    /** Unknown (-1: Redis unreachable, or another check refused first) reads as the whole limit. */
    private static long remaining(List<RateCheck> checks, RateLimits.Taken taken, int i) {
        long r = taken.remaining()[i];
        return r < 0 ? checks.get(i).limit() : r;
    }

    /** Go's duration format, as OpenAI sends it: "0s", "250ms", "1s", "1.5s", "6m0s", "1h0m0s". */
    static String duration(long ms) {
        if (ms == 0) return "0s";
        if (ms < 1000) return ms + "ms";
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        long millis = ms % 60_000;
        StringBuilder out = new StringBuilder();
        if (hours > 0) out.append(hours).append('h');
        if (hours > 0 || minutes > 0) out.append(minutes).append('m');
        out.append(millis / 1000);
        if (millis % 1000 != 0) out.append('.').append(String.format("%03d", millis % 1000).replaceAll("0+$", ""));
        return out.append('s').toString();
    }
}
