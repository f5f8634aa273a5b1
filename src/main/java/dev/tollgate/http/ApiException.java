package dev.tollgate.http;

/**
 * An error answer to the client (CONTRACT §4). The message names what was wrong; it never carries
 * a provider key, a stack trace or another account's data.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Long retryAfterSeconds;

    public ApiException(int status, String type, String code, String param, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_request_error", param, message, null);
    }

    public static ApiException tooLarge(long limitBytes) {
        return new ApiException(413, "invalid_request_error", "request_too_large", null,
                "Request body is larger than the limit of " + limitBytes + " bytes", null);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(401, "authentication_error", "authentication_error", null, message, null);
    }

    public static ApiException notFound(String code, String param, String message) {
        return new ApiException(404, "invalid_request_error", code, param, message, null);
    }

    public static ApiException upstream(int status, String message) {
        return new ApiException(status, "upstream_error", "upstream_error", null, message, null);
    }

    public int status() { return status; }

    public String type() { return type; }

    public String code() { return code; }

    public String param() { return param; }

    public Long retryAfterSeconds() { return retryAfterSeconds; }
}
