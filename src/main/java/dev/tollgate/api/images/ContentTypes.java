package dev.tollgate.api.images;

/** The media type of image bytes: from their magic numbers, else the requested {@code output_format}, else PNG's. */
final class ContentTypes {
    private ContentTypes() {}

    static String of(byte[] b, String outputFormat) {
        if (starts(b, 0x89, 'P', 'N', 'G')) return "image/png";
        if (starts(b, 0xFF, 0xD8, 0xFF)) return "image/jpeg";
        if (starts(b, 'G', 'I', 'F', '8')) return "image/gif";
        if (starts(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        if (outputFormat != null) {
            return switch (outputFormat) {
                case "jpeg", "jpg" -> "image/jpeg";
                case "webp" -> "image/webp";
                default -> "image/png";
            };
        }
        return "image/png"; // OpenAI's default output format
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((b[i] & 0xFF) != magic[i]) return false;
        return true;
    }
}
