package dev.tollgate.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads request bodies with a hard size limit and parses them as a JSON object. */
public final class Bodies {
    private Bodies() {}

    public static byte[] read(ServerRequest req, long maxBytes) {
        long declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(Bodies::parseLength).orElse(-1L);
        if (declared > maxBytes) throw ApiException.tooLarge(maxBytes);
        if (!req.content().hasEntity()) return new byte[0];
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) throw ApiException.tooLarge(maxBytes);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("reading request body", e);
        }
    }

    private static long parseLength(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static ObjectNode jsonObject(byte[] body) {
        if (body.length == 0) throw ApiException.invalid(null, "Request body is empty; expected a JSON object");
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.invalid(null, "Request body exceeds a JSON limit: " + limitMessage(e));
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "Request body is not valid JSON: " + e.getOriginalMessage() + where(e.getLocation()));
        } catch (IOException e) {
            // the bytes are in memory: no I/O can fail, so this is undecodable text (CharConversionException
            // for a body Jackson's encoding detection takes for UTF-32 and that ends mid-character)
            throw ApiException.invalid(null, "Request body is not valid JSON text: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ApiException.invalid(null, "Request body must be a JSON object");
        }
        return obj;
    }

    /**
     * Jackson's wording without its internals: "Document nesting depth (1001) exceeds the maximum
     * allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)" loses the parenthesised source.
     */
    static String limitMessage(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        return m.replaceAll(", from `[^`]*`", "");
    }

    /** A constraint failure may carry no location; never let the error path throw. */
    private static String where(JsonLocation at) {
        if (at == null) return "";
        return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
