package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import dev.tollgate.provider.ProviderException.Kind;
import java.util.regex.Pattern;

/** Maps a provider's HTTP error answer to a typed {@link ProviderException} with a safe message. */
public final class UpstreamErrors {
    /** Things that look like secrets: provider keys of the common shapes, bearer tokens. */
    private static final Pattern SECRET = Pattern.compile(
            "(sk-[A-Za-z0-9_\\-*]{6,}|tg-[A-Za-z0-9_\\-]{8,}|AIza[0-9A-Za-z_\\-]{20,}|Bearer\\s+\\S+)");
    private static final int MESSAGE_CHARS_MAX = 500;

    private UpstreamErrors() {}

    public static ProviderException fromStatus(String provider, int status, byte[] body) {
        if (status == 401 || status == 403) {
            return new ProviderException(Kind.PROVIDER_AUTH, status,
                    "provider '" + provider + "' rejected the gateway's provider key (HTTP " + status
                            + "); the operator must fix the provider's api_key", null);
        }
        if (status == 429) {
            return new ProviderException(Kind.RATE_LIMITED, status, "provider '" + provider + "' is rate limiting (HTTP 429)", null);
        }
        if (status == 408) {
            return new ProviderException(Kind.TIMEOUT, status, "provider '" + provider + "' timed out (HTTP 408)", null);
        }
        if (status >= 400 && status < 500) {
            String upstream = message(body);
            return new ProviderException(Kind.BAD_REQUEST, status, upstream != null ? upstream
                    : "provider '" + provider + "' rejected the request (HTTP " + status + ")", null);
        }
        return new ProviderException(Kind.SERVER_ERROR, status, "provider '" + provider + "' failed (HTTP " + status + ")", null);
    }

    /** The longest {@code Retry-After} we carry; anything longer means "not soon" to the attempt loop. */
    private static final long RETRY_AFTER_MS_MAX = 3_600_000;

    /**
     * {@code e} carrying the pause the provider asked for: {@code retry-after-ms} (milliseconds, as
     * OpenAI sends it) or else {@code retry-after} in delta-seconds; an HTTP-date or junk is ignored.
     */
    public static ProviderException withRetryAfter(ProviderException e, String retryAfterMs, String retryAfterSeconds) {
        long ms = parseNonNegative(retryAfterMs, 1);
        if (ms < 0) ms = parseNonNegative(retryAfterSeconds, 1_000);
        if (ms <= 0) return e;
        return new ProviderException(e.kind(), e.upstreamStatus(), e.getMessage(), e.getCause(),
                Math.min(ms, RETRY_AFTER_MS_MAX));
    }

    private static long parseNonNegative(String value, long unitMs) {
        if (value == null || value.isBlank()) return -1;
        try {
            double v = Double.parseDouble(value.trim());
            if (!(v >= 0) || Double.isInfinite(v)) return -1;
            return (long) Math.ceil(Math.min(v * unitMs, RETRY_AFTER_MS_MAX));
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /** The provider's own error message (OpenAI, Anthropic and Gemini all use error.message), scrubbed. */
    public static String message(byte[] body) {
        JsonNode root = body == null ? null : Json.parseOrNull(body);
        if (root == null) return null;
        JsonNode msg = root.path("error").path("message");
        if (!msg.isTextual()) msg = root.path("message");
        if (!msg.isTextual() || msg.asText().isBlank()) return null;
        return scrub(msg.asText());
    }

    /** A transport failure in words a client can read (no class names, no addresses). */
    public static String describe(java.io.IOException e) {
        if (e instanceof java.net.ConnectException) return "connection refused";
        if (e instanceof java.net.http.HttpConnectTimeoutException) return "connect timed out";
        if (e instanceof java.io.EOFException) return "connection closed early";
        return "connection closed or reset";
    }

    public static String scrub(String text) {
        String s = SECRET.matcher(text).replaceAll("[redacted]");
        return s.length() > MESSAGE_CHARS_MAX ? s.substring(0, MESSAGE_CHARS_MAX) + "…" : s;
    }
}
