package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The hold's bound for files and audio: pages and seconds read from the data, never its base64 length. */
class MediaTokensTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long PAGE = MediaTokens.PDF_PAGE_TEXT_TOKENS + ImageTokens.DEFAULT;

    /** A PDF with {@code pages} page objects written plainly (a /Pages node too, which is not a page). */
    static byte[] plainPdf(int pages) {
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
        pdf.append("2 0 obj << /Type /Pages /Count ").append(pages).append(" >> endobj\n");
        for (int i = 0; i < pages; i++) pdf.append(3 + i).append(" 0 obj << /Type /Page /Parent 2 0 R >> endobj\n");
        return pdf.append("%%EOF\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** PDF 1.5 style: one page in the open, two inside a Flate-compressed object stream. */
    static byte[] objectStreamPdf() {
        byte[] objects = "<< /Type /Page /Parent 2 0 R >> <</Type/Page/Parent 2 0 R>> << /Type /Pages /Count 3 >>"
                .getBytes(StandardCharsets.ISO_8859_1);
        Deflater deflater = new Deflater();
        deflater.setInput(objects);
        deflater.finish();
        byte[] buf = new byte[512];
        int n = deflater.deflate(buf);
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("%PDF-1.5\n4 0 obj << /Type /Page /Parent 2 0 R >> endobj\n5 0 obj << /Type /ObjStm /N 3 /First 12"
                + " /Filter /FlateDecode /Length " + n + " >>\nstream\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(buf, 0, n);
        out.writeBytes("\nendstream\nendobj\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static JsonNode file(String fileData) {
        return JSON.createObjectNode().put("file_data", fileData);
    }

    static String pdfUrl(byte[] pdf) {
        return "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf);
    }

    @Test
    void pagesAreCountedInTheOpenAndInsideObjectStreamsButNotThePagesNode() {
        assertThat(MediaTokens.pdfPages(plainPdf(3))).isEqualTo(3);
        assertThat(MediaTokens.pdfPages(objectStreamPdf())).isEqualTo(3);
        assertThat(MediaTokens.pdfPages("%PDF-1.7 nothing here".getBytes(StandardCharsets.ISO_8859_1))).isZero();
    }

    @Test
    void aPdfIsHeldPerPageAndOneWithoutCountablePagesAtTheMaximum() {
        assertThat(MediaTokens.file(file(pdfUrl(plainPdf(3))), ImageTokens.DEFAULT)).isEqualTo(3 * PAGE);
        assertThat(MediaTokens.file(file(pdfUrl(objectStreamPdf())), ImageTokens.DEFAULT)).isEqualTo(3 * PAGE);
        long unknown = MediaTokens.PDF_PAGES_UNKNOWN * PAGE;
        assertThat(MediaTokens.file(file(pdfUrl("%PDF-1.7 x".getBytes(StandardCharsets.ISO_8859_1))), ImageTokens.DEFAULT))
                .isEqualTo(unknown);
        assertThat(MediaTokens.file(file("https://example.com/report.pdf"), ImageTokens.DEFAULT)).isEqualTo(unknown);
        assertThat(MediaTokens.file(JSON.createObjectNode().put("file_id", "file-1"), ImageTokens.DEFAULT)).isEqualTo(unknown);
        // a non-PDF inline file: its bytes (a byte-level tokenizer's maximum) and an image's worth
        String text = "data:text/plain;base64," + Base64.getEncoder().encodeToString("hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(MediaTokens.file(file(text), ImageTokens.DEFAULT)).isEqualTo(11 + ImageTokens.DEFAULT);
    }

    @Test
    void audioIsHeldPerSecondFromTheWavHeaderElseAtTheFloorBitrate() {
        byte[] wav = wav(32_000, 64_000); // 16 kHz mono 16-bit: 2 s of samples plus the 44-byte header
        JsonNode part = JSON.createObjectNode().put("format", "wav").put("data", Base64.getEncoder().encodeToString(wav));
        assertThat(MediaTokens.audio(part)).isEqualTo(3 * MediaTokens.AUDIO_TOKENS_PER_SECOND); // ceil(64,044 / 32,000)
        byte[] mp3 = new byte[9_999];
        mp3[0] = (byte) 0xFF;
        JsonNode other = JSON.createObjectNode().put("format", "mp3").put("data", Base64.getEncoder().encodeToString(mp3));
        assertThat(MediaTokens.audio(other)).isEqualTo(10 * MediaTokens.AUDIO_TOKENS_PER_SECOND); // 9,999 B at 1,000 B/s
    }

    @Test
    void promptBoundsCountTheMediaNotTheBase64AndContextFitLeavesThemOut() throws Exception {
        byte[] pdf = plainPdf(2);
        byte[] padding = new byte[200_000]; // a big file with few pages: its base64 must not be counted as text
        byte[] big = java.util.Arrays.copyOf(pdf, pdf.length + padding.length);
        JsonNode request = JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Summarise\"},{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\",\"file_data\":\""
                + pdfUrl(big) + "\"}},{\"type\":\"input_audio\",\"input_audio\":{\"format\":\"wav\",\"data\":\""
                + Base64.getEncoder().encodeToString(wav(32_000, 64_000)) + "\"}}]}]}");
        long media = 2 * PAGE + 3 * MediaTokens.AUDIO_TOKENS_PER_SECOND;
        long withoutFiles = PromptTokens.upperBoundWithoutFiles(request, "claude-x");
        assertThat(withoutFiles).isLessThan(100);
        assertThat(PromptTokens.upperBound(request, "claude-x")).isEqualTo(withoutFiles + media);
        assertThat(PromptTokens.exact(request, "gpt-4o")).isEqualTo(PromptTokens.exact(request, "gpt-4o", false) + media)
                .isLessThanOrEqualTo(PromptTokens.upperBound(request, "gpt-4o"));
    }

    static byte[] wav(int byteRate, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(byteRate / 2).putInt(byteRate).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        return b.array();
    }
}
