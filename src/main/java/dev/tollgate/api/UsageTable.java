package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import dev.tollgate.usage.Window;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * What the usage and analytics endpoints share: their query parameters (a window of {@code hours} or
 * {@code days}, a {@code limit}) and their two answers, JSON ({@code {"data":[...]}} plus fields) or,
 * with {@code Accept: text/csv} (or {@code format=csv}), CSV with one header line.
 */
final class UsageTable {
    static final int HOURS_MAX = 8_784;  // a leap year of hourly buckets
    static final int DAYS_MAX = 1_100;   // three years of daily buckets

    private UsageTable() {}

    static int intParam(ServerRequest req, String name, int fallback, int min, int max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty() || raw.get().isBlank()) return fallback;
        try {
            int v = Integer.parseInt(raw.get().trim());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.invalid(name, "'" + name + "' must be a whole number from " + min + " to " + max);
    }

    /** {@code hours=N} or {@code days=N} (not both); {@code defaultDays} when neither. */
    static Window window(ServerRequest req, long nowMs, int defaultDays) {
        boolean hours = req.query().first("hours").filter(s -> !s.isBlank()).isPresent();
        boolean days = req.query().first("days").filter(s -> !s.isBlank()).isPresent();
        if (hours && days) throw ApiException.invalid("hours", "Give 'hours' or 'days', not both");
        if (hours) return Window.hours(intParam(req, "hours", 24, 1, HOURS_MAX), nowMs);
        return Window.days(intParam(req, "days", defaultDays, 1, DAYS_MAX), nowMs);
    }

    static ObjectNode windowJson(Window w) {
        ObjectNode out = Json.object();
        out.put(w.period().equals("h") ? "hours" : "days", w.count());
        out.put("from", java.time.Instant.ofEpochMilli(w.fromBucketMs()).toString());
        return out;
    }

    static boolean wantsCsv(ServerRequest req) {
        if (req.query().first("format").map("csv"::equalsIgnoreCase).orElse(false)) return true;
        return req.headers().first(HeaderNames.ACCEPT).map(a -> a.toLowerCase(java.util.Locale.ROOT).contains("text/csv"))
                .orElse(false);
    }

    /** {@code answer} as JSON, or its {@code data} rows (else the answer itself as one row) as CSV. */
    static void send(ServerRequest req, ServerResponse res, ObjectNode answer, List<String> csvColumns) {
        if (!wantsCsv(req)) {
            Admin.json(res, 200, answer);
            return;
        }
        List<JsonNode> rows = new ArrayList<>();
        if (answer.has("data")) answer.get("data").forEach(rows::add);
        else rows.add(answer);
        StringBuilder csv = new StringBuilder(String.join(",", csvColumns)).append("\r\n");
        for (JsonNode row : rows) {
            for (int i = 0; i < csvColumns.size(); i++) {
                if (i > 0) csv.append(',');
                csv.append(cell(row.get(csvColumns.get(i))));
            }
            csv.append("\r\n");
        }
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        res.send(csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 4180 quoting; text that a spreadsheet would run as a formula gets a leading apostrophe. */
    static String cell(JsonNode v) {
        if (v == null || v.isNull() || v.isContainerNode()) return "";
        if (v.isNumber()) return v.isBigDecimal() ? v.decimalValue().toPlainString() : v.asText();
        String s = v.asText();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) s = "'" + s;
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** The field names of an object, in order (CSV columns of a one-object answer). */
    static List<String> fields(ObjectNode o) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!o.get(f).isContainerNode()) out.add(f);
        }
        return out;
    }

    static ArrayNode data(ObjectNode answer) {
        return answer.putArray("data");
    }

    /** '' (no provider answered, no task, no user) as the name "none". */
    static String name(String group) {
        return group == null || group.isEmpty() ? "none" : group;
    }
}
