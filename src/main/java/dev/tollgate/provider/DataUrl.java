package dev.tollgate.provider;

/**
 * An RFC 2397 {@code data:} URL as OpenAI clients send inline images and files
 * ({@code data:image/png;base64,iVBOR...}). Providers want the media type and the base64 payload
 * apart; the payload is passed on as is, never decoded, so a large image costs no copy.
 */
public record DataUrl(String mediaType, String base64) {

    /** The parsed URL, or null when {@code url} is not a base64 data URL. */
    public static DataUrl parse(String url) {
        if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) return null;
        int comma = url.indexOf(',');
        if (comma < 0) return null;
        String meta = url.substring(5, comma);
        if (!meta.endsWith(";base64")) return null; // percent-encoded data URLs are not images in practice
        String mediaType = meta.substring(0, meta.length() - ";base64".length());
        int param = mediaType.indexOf(';');
        if (param >= 0) mediaType = mediaType.substring(0, param);
        return new DataUrl(mediaType.isEmpty() ? "application/octet-stream" : mediaType, url.substring(comma + 1));
    }

    public static boolean isHttp(String url) {
        return url != null && (url.startsWith("https://") || url.startsWith("http://"));
    }
}
