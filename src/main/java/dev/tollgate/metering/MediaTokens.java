package dev.tollgate.metering;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Upper bounds for the prompt tokens of a file ({@code file} part: PDF) or an audio clip
 * ({@code input_audio} part), for holds. Providers bill these by page and by second, and neither is
 * known without looking inside, so the bound is taken from the data itself (docs/billing.md "Files and audio"):
 * <ul>
 *   <li>PDF: pages × ({@link #PDF_PAGE_TEXT_TOKENS} + the model's per-image maximum), since Anthropic and
 *       OpenAI send each page as its extracted text plus an image of the page (Anthropic: 1,500–3,000 text
 *       tokens per page; Gemini bills 258–560 per page). Pages are counted from the file's page objects,
 *       including those inside compressed object streams; a PDF whose pages cannot be counted, or one given
 *       by URL or file id, is held at {@link #PDF_PAGES_UNKNOWN} pages (Anthropic's and OpenAI's per-file maximum).</li>
 *   <li>Other inline files: their decoded bytes (a byte-level tokenizer never emits more tokens than bytes)
 *       plus one image's worth.</li>
 *   <li>Audio: seconds × {@link #AUDIO_TOKENS_PER_SECOND} (Gemini's published rate, the highest known; OpenAI's
 *       audio models count about 10 per second). WAV gives its duration in its header; any other format
 *       is assumed to play for as long as its bytes last at {@link #AUDIO_FLOOR_BYTES_PER_SECOND} (8 kbit/s,
 *       MP3's lowest bitrate), so a real clip is never longer than the bound says.</li>
 * </ul>
 */
final class MediaTokens {
    static final long PDF_PAGE_TEXT_TOKENS = 3_000;
    static final long PDF_PAGES_UNKNOWN = 100;
    static final long AUDIO_TOKENS_PER_SECOND = 32;
    static final long AUDIO_FLOOR_BYTES_PER_SECOND = 1_000;
    /** Work limit: object streams inflated per PDF, in bytes of output. */
    private static final int INFLATED_BYTES_MAX = 64 << 20;

    private static final Pattern PAGE = Pattern.compile("/Type\\s*/Page(?![A-Za-z])");
    private static final Pattern OBJECT_STREAM = Pattern.compile("/Type\\s*/ObjStm");
    private static final Pattern STREAM_START = Pattern.compile("stream\\r?\\n");

    private MediaTokens() {}

    /** A chat {@code file} part's {@code file} object: {@code file_data} (a data URL or an http(s) URL), {@code file_id}. */
    static long file(JsonNode file, long imageTokens) {
        long perPage = PDF_PAGE_TEXT_TOKENS + imageTokens;
        byte[] bytes = inlineBytes(file.path("file_data").asText(""));
        if (bytes == null) return PDF_PAGES_UNKNOWN * perPage; // a URL, a file id, or data we cannot read
        if (!isPdf(bytes, file.path("file_data").asText(""))) return bytes.length + imageTokens;
        long pages = pdfPages(bytes);
        return (pages > 0 ? pages : PDF_PAGES_UNKNOWN) * perPage;
    }

    /** A chat {@code input_audio} part's {@code input_audio} object: {@code data} (base64), {@code format}. */
    static long audio(JsonNode audio) {
        String data = audio.path("data").asText("");
        long bytes = (long) data.length() * 3 / 4;
        long bytesPerSecond = AUDIO_FLOOR_BYTES_PER_SECOND;
        byte[] head = decode(data.substring(0, Math.min(data.length(), 64)));
        if (head != null && head.length >= 32 && ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) {
            long byteRate = littleEndianInt(head, 28); // the fmt chunk's ByteRate, when it is the first chunk
            if (ascii(head, 12, "fmt ") && byteRate > 0) bytesPerSecond = byteRate;
        }
        long seconds = Math.max(1, (bytes + bytesPerSecond - 1) / bytesPerSecond);
        return seconds * AUDIO_TOKENS_PER_SECOND;
    }

    /**
     * Page objects in a PDF: {@code /Type /Page} in the file's own bytes and inside its compressed object
     * streams (PDF 1.5+ keeps page objects there). 0 when none is found.
     */
    static long pdfPages(byte[] pdf) {
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        long pages = count(PAGE, text);
        Matcher objectStreams = OBJECT_STREAM.matcher(text);
        int budget = INFLATED_BYTES_MAX;
        while (objectStreams.find() && budget > 0) {
            Matcher start = STREAM_START.matcher(text);
            if (!start.find(objectStreams.end())) break;
            String inflated = inflate(pdf, start.end(), budget);
            budget -= inflated.length();
            pages += count(PAGE, inflated);
        }
        return pages;
    }

    private static String inflate(byte[] pdf, int from, int limit) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(pdf, from, pdf.length - from);
            byte[] out = new byte[Math.min(limit, 1 << 20)];
            StringBuilder text = new StringBuilder();
            while (!inflater.finished() && text.length() < limit) {
                int n = inflater.inflate(out);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                text.append(new String(out, 0, n, StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        } catch (DataFormatException e) {
            return ""; // not a Flate stream: its pages stay uncounted, and an uncounted PDF is held at the maximum
        } finally {
            inflater.end();
        }
    }

    private static boolean isPdf(byte[] bytes, String dataUrl) {
        return dataUrl.regionMatches(true, 0, "data:application/pdf", 0, 20) || ascii(bytes, 0, "%PDF");
    }

    /** The decoded payload of a base64 data URL, or null for anything else. */
    private static byte[] inlineBytes(String url) {
        if (!url.regionMatches(true, 0, "data:", 0, 5)) return null;
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) return null;
        return decode(url.substring(comma + 1));
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long count(Pattern p, CharSequence text) {
        Matcher m = p.matcher(text);
        long n = 0;
        while (m.find()) n++;
        return n;
    }

    private static boolean ascii(byte[] b, int at, String s) {
        if (b.length < at + s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[at + i] != s.charAt(i)) return false;
        return true;
    }

    private static long littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
}
