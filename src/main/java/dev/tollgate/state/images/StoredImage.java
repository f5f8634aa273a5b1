package dev.tollgate.state.images;

/**
 * One generated image of an account's history: what asked for it, and either its bytes ({@code byteCount} of them,
 * of {@code contentType}) or the provider's {@code url} (or both). The bytes themselves are read separately.
 */
public record StoredImage(String id, String accountId, String requestId, String model, String prompt, String revisedPrompt,
                          String size, String quality, String contentType, long byteCount, String url, long createdAtMs) {}
