package dev.tollgate.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The exact-match key: SHA-256 over the account, the public model and a canonical JSON of the request body
 * (object keys sorted at every depth) minus the fields that cannot change the answer. A denylist, not an
 * allowlist, on purpose: a field we do not know (a provider extra such as {@code num_ctx}, a new reasoning
 * knob) is part of the key, so an unknown setting can only cost a hit, never serve a wrong answer.
 */
public final class CacheKey {
    /** Top-level fields that never change what the model generates (CONTRACT §7), plus Tollgate's own routing fields. */
    static final Set<String> IGNORED = Set.of("stream", "stream_options", "user", "metadata", "cache", "models",
            "prefer_cheap", "provider", "model");

    private CacheKey() {}

    /**
     * @param publicModel what the client asked for (model and its fallbacks, as named), never an upstream id
     * @return 64 hex characters
     */
    public static String of(String accountId, String publicModel, ObjectNode body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] head = (accountId + '\u0000' + publicModel + '\u0000').getBytes(StandardCharsets.UTF_8);
        out.writeBytes(head);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            for (String field : sortedFields(body)) {
                if (IGNORED.contains(field)) continue;
                g.writeFieldName(field);
                canonical(g, body.get(field));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return HexFormat.of().formatHex(sha256(out.toByteArray()));
    }

    /** The canonical JSON of {@code body} as {@link #of} hashes it (for tests and docs). */
    static String canonical(ObjectNode body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            canonical(g, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void canonical(JsonGenerator g, JsonNode n) throws IOException {
        if (n.isObject()) {
            g.writeStartObject();
            for (String field : sortedFields(n)) {
                g.writeFieldName(field);
                canonical(g, n.get(field));
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) canonical(g, e); // order matters in arrays (messages, stop sequences)
            g.writeEndArray();
        } else {
            g.writeTree(n); // scalars exactly as sent: 0.7 and 0.70 are both 0.7 after parsing; 1 and 1.0 differ
        }
    }

    private static List<String> sortedFields(JsonNode n) {
        List<String> fields = new ArrayList<>(n.size());
        n.fieldNames().forEachRemaining(fields::add);
        Collections.sort(fields);
        return fields;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }
}
