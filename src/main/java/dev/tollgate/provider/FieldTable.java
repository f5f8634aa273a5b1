package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Table-driven copying of request parameters: each row says "OpenAI field → provider field, through
 * this conversion". Reading the table is reading the mapping; one generic loop applies it. The first
 * row that writes a target wins, so an alias row ({@code max_completion_tokens} before
 * {@code max_tokens}) expresses precedence by its order.
 */
public final class FieldTable {
    private record Row(String from, String to, Function<JsonNode, JsonNode> convert) {}

    private final List<Row> rows = new ArrayList<>();

    /** Copies {@code from} to {@code to} unchanged. */
    public FieldTable copy(String from, String to) {
        return map(from, to, Function.identity());
    }

    /** Copies {@code from} to {@code to} through {@code convert}; a null result writes nothing. */
    public FieldTable map(String from, String to, Function<JsonNode, JsonNode> convert) {
        rows.add(new Row(from, to, convert));
        return this;
    }

    /** Applies every row whose source is present (and not null) to {@code target}. */
    public void apply(JsonNode source, ObjectNode target) {
        for (Row row : rows) {
            JsonNode value = source.get(row.from);
            if (value == null || value.isNull() || target.has(row.to)) continue;
            JsonNode converted = row.convert.apply(value);
            if (converted != null) target.set(row.to, converted);
        }
    }
}
