package dev.tollgate.http;

import dev.tollgate.json.Json;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers for requests Helidon rejects before routing (a header section over {@code max-headers-size},
 * a malformed request line, a bad chunk): the same error JSON and {@code x-request-id} as every other
 * error, instead of Helidon's empty or HTML body. No filter has run, so the request id is a new one.
 * Helidon passes the reason only as its message, so it must be allowed to
 * ({@code error-handling.include-entity}); the message is matched, never shown unfiltered.
 */
final class TransportErrors implements DirectHandler {
    /** Helidon's Http1HeadersParser message when the header section is over the limit. */
    private static final String HEADERS_TOO_LARGE = "Header size exceeded";
    private static final Status HEADERS_TOO_LARGE_431 = Status.create(431, "Request Header Fields Too Large");

    private final int maxHeadersBytes;

    TransportErrors(int maxHeadersBytes) {
        this.maxHeadersBytes = maxHeadersBytes;
    }

    static DirectHandlers handlers(int maxHeadersBytes) {
        TransportErrors handler = new TransportErrors(maxHeadersBytes);
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType type : EventType.values()) b.addHandler(type, handler);
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders headers, String message) {
        ApiException e = error(eventType, defaultStatus, message);
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(RequestIds.HEADER, RequestIds.newId());
        return TransportResponse.builder()
                .status(e.status() == 431 ? HEADERS_TOO_LARGE_431 : defaultStatus)
                .headers(headers)
                .entity(Json.bytes(ErrorBodies.openAi(e)))
                .build();
    }

    ApiException error(EventType eventType, Status status, String message) {
        if (HEADERS_TOO_LARGE.equals(message)) {
            return new ApiException(431, "invalid_request_error", "request_headers_too_large", null,
                    "Request headers are larger than the limit of " + maxHeadersBytes + " bytes", null);
        }
        if (status.code() >= 500) {
            return new ApiException(status.code(), "server_error", "internal_error", null,
                    "Internal error before the request was routed", null);
        }
        String reason = firstLine(message);
        return new ApiException(status.code(), "invalid_request_error", "invalid_request_error", null,
                "Malformed HTTP request: " + reason, null);
    }

    /** Helidon appends a hex dump of the offending bytes to some messages; the first line says what was wrong. */
    static String firstLine(String message) {
        if (message == null || message.isBlank()) return "the request could not be parsed";
        String line = message.strip().lines().findFirst().orElse("").strip();
        if (line.endsWith(":")) line = line.substring(0, line.length() - 1);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
