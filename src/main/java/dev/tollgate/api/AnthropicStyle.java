package dev.tollgate.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Whether a request on a path both SDKs share ({@code /v1/models}) comes from an Anthropic client: it sends
 * {@code anthropic-version} (Anthropic's SDKs always do), or authenticates with {@code x-api-key} and no
 * {@code Authorization} header. Such a request is answered in Anthropic's shapes.
 */
public final class AnthropicStyle {
    private AnthropicStyle() {}

    public static boolean of(ServerRequest req) {
        var headers = req.headers();
        if (headers.contains(HeaderNames.create("anthropic-version"))) return true;
        return headers.contains(HeaderNames.create("x-api-key")) && !headers.contains(HeaderNames.AUTHORIZATION);
    }
}
