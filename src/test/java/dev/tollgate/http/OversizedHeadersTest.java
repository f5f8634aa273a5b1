package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers over the limit are refused before routing, still with the error JSON and a request id. */
class OversizedHeadersTest {
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, "models: []\n", null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void aHeaderOverSixteenKibibytesIs431WithErrorJsonAndARequestId() throws Exception {
        String raw = rawGet("/v1/models", "X-Big: " + "a".repeat(20_000));
        String head = raw.substring(0, raw.indexOf("\r\n\r\n")).toLowerCase();
        String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        assertThat(head).startsWith("http/1.1 431");
        assertThat(head).contains("content-type: application/json").containsPattern("x-request-id: req_[0-9a-f]+");
        JsonNode error = new ObjectMapper().readTree(body).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("request_headers_too_large");
        assertThat(error.path("message").asText()).contains("16384 bytes");
        assertThat(error.has("param")).isTrue();

        assertThat(gw.get("/health", null).statusCode()).as("the server answers normally afterwards").isEqualTo(200);
        assertThat(rawGet("/health", "X-Ok: " + "a".repeat(8_000))).startsWith("HTTP/1.1 200");
    }

    @Test
    void aMalformedHeaderIsA400WithErrorJsonAndNoHexDump() throws Exception {
        String raw = raw("GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 400");
        assertThat(raw.toLowerCase()).contains("content-type: application/json").contains("x-request-id: req_");
        JsonNode error = new ObjectMapper().readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4)).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo("Malformed HTTP request: Invalid header, missing colon");
    }

    static String rawGet(String path, String header) throws Exception {
        return raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + "\r\nConnection: close\r\n\r\n");
    }

    /** One request on a fresh socket; the response is read up to its Content-Length (keep-alive or not). */
    static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) continue;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text.substring(0, end));
                if (m.find() && got.size() >= end + 4 + Integer.parseInt(m.group(1))) break;
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
