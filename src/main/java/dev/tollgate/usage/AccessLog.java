package dev.tollgate.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON line per request (config {@code usage.access_log}: {@code stdout}, {@code off} or a file
 * path). Never a key or token: the key's id, not its secret. The prompt only with
 * {@code usage.log_prompts: true}, bounded to {@value #PROMPT_CHARS_MAX} characters.
 */
final class AccessLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());
    static final int PROMPT_CHARS_MAX = 4096;

    private final OutputStream out; // null: off
    private final boolean logPrompts;

    private AccessLog(OutputStream out, boolean logPrompts) {
        this.out = out;
        this.logPrompts = logPrompts;
    }

    static AccessLog open(String target, boolean logPrompts) {
        if (target.equals("off")) return new AccessLog(null, false);
        if (target.equals("stdout")) return new AccessLog(System.out, logPrompts);
        try {
            Path file = Path.of(target);
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            return new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                    logPrompts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open access log " + target, e);
        }
    }

    boolean enabled() { return out != null; }

    /** {@code prompt}: the request's messages (or null); written only when prompts are enabled. */
    void write(String path, int status, UsageEvent e, String requestId, String accountId, String keyId,
               long latencyMs, String prompt) {
        if (out == null) return;
        ByteArrayOutputStream line = new ByteArrayOutputStream(384);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(line)) {
            g.writeStartObject();
            g.writeNumberField("ts", e != null ? e.createdAtMs() : System.currentTimeMillis());
            g.writeStringField("request_id", requestId);
            g.writeStringField("path", path);
            g.writeNumberField("status", status);
            g.writeStringField("account", accountId);
            g.writeStringField("key_id", keyId);
            g.writeNumberField("latency_ms", latencyMs);
            if (e != null) {
                g.writeStringField("user", e.endUser());
                g.writeStringField("model", e.model());
                g.writeStringField("provider", e.provider());
                g.writeStringField("error", e.errorCode());
                g.writeNumberField("input_tokens", e.inputTokens());
                g.writeNumberField("output_tokens", e.outputTokens());
                g.writeNumberField("cost", Cost.toCreditsDecimal(e.costMicros()));
                g.writeNumberField("calls", e.calls());
                g.writeStringField("attempts", e.attempts());
                g.writeBooleanField("streamed", e.streamed());
                if (e.ttfbMs() >= 0) g.writeNumberField("ttfb_ms", e.ttfbMs());
                g.writeStringField("task", e.task());
            }
            if (logPrompts && prompt != null) {
                g.writeStringField("prompt", prompt.length() <= PROMPT_CHARS_MAX ? prompt : prompt.substring(0, PROMPT_CHARS_MAX));
            }
            g.writeEndObject();
        } catch (IOException ex) {
            return;
        }
        line.write('\n');
        synchronized (this) {
            try {
                line.writeTo(out);
                out.flush();
            } catch (IOException ex) {
                LOG.log(Level.WARNING, "access log write failed", ex);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (out == null || out instanceof PrintStream) return;
        try {
            out.close();
        } catch (IOException ignored) {
            // closing at shutdown: nothing left to do
        }
    }
}
