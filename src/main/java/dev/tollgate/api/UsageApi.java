package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.usage.UsageAnalytics;
import dev.tollgate.usage.UsageQueries;
import dev.tollgate.usage.Window;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's own usage (CONTRACT §6): {@code GET /v1/usage/stats?hours=24} and
 * {@code GET /v1/usage/daily?days=N&group_by=...&period=day|month}, from the rollups, filtered to the
 * key's account in SQL. (Plain {@code GET /v1/usage}, the current quota period, belongs to limits.)
 */
public final class UsageApi {
    public static final String STATS = "/v1/usage/stats";
    public static final String DAILY = "/v1/usage/daily";
    private static final List<String> DAILY_COLUMNS = List.of("date", "group", "requests", "input_tokens", "output_tokens", "cost");

    private final Authenticator auth;
    private final UsageAnalytics usage;

    public UsageApi(Authenticator auth, UsageAnalytics usage) {
        this.auth = auth;
        this.usage = usage;
    }

    public void stats(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        int hours = UsageTable.intParam(req, "hours", 24, 1, UsageTable.HOURS_MAX);
        Window w = Window.hours(hours, usage.clock().millis());
        List<UsageQueries.Row> rows = usage.queries().account(p.accountId(), w, List.of("provider", "model", "task"), false);
        long requests = 0, ok = 0, failed = 0, input = 0, output = 0, cost = 0, savings = 0;
        Map<String, Long> byProvider = new LinkedHashMap<>(), byModel = new LinkedHashMap<>(), byTask = new LinkedHashMap<>();
        for (UsageQueries.Row r : rows) {
            requests += r.requests();
            ok += r.ok();
            failed += r.failed();
            input += r.inputTokens();
            output += r.outputTokens();
            cost += r.costMicros();
            savings += r.cacheSavingsMicros();
            byProvider.merge(UsageTable.name(r.group().get(0)), r.costMicros(), Long::sum);
            byModel.merge(UsageTable.name(r.group().get(1)), r.costMicros(), Long::sum);
            byTask.merge(UsageTable.name(r.group().get(2)), r.costMicros(), Long::sum);
        }
        ObjectNode out = Json.object();
        out.put("period_hours", hours);
        out.put("total_requests", requests);
        out.put("successful_requests", ok);
        out.put("failed_requests", failed);
        out.put("total_input_tokens", input);
        out.put("total_output_tokens", output);
        out.put("total_tokens", input + output);
        out.put("cost", Cost.toCreditsDecimal(cost));
        credits(out.putObject("cost_by_provider"), byProvider);
        credits(out.putObject("cost_by_model"), byModel);
        credits(out.putObject("cost_by_task"), byTask);
        out.put("cache_savings", Cost.toCreditsDecimal(savings));
        if (UsageTable.wantsCsv(req)) {
            UsageTable.send(req, res, out, UsageTable.fields(out));
        } else {
            Admin.json(res, 200, out);
        }
    }

    public void daily(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        int days = UsageTable.intParam(req, "days", 30, 1, UsageTable.DAYS_MAX);
        String groupBy = req.query().first("group_by").filter(s -> !s.isBlank()).orElse(null);
        if (groupBy != null && !UsageQueries.GROUPS.containsKey(groupBy)) {
            throw ApiException.invalid("group_by", "'group_by' must be one of model, provider, task, key, user");
        }
        String period = req.query().first("period").filter(s -> !s.isBlank()).orElse("day");
        if (!period.equals("day") && !period.equals("month")) throw ApiException.invalid("period", "'period' must be day or month");
        Window w = Window.days(days, usage.clock().millis());
        List<String> columns = groupBy == null ? List.of() : List.of(UsageQueries.GROUPS.get(groupBy));
        List<UsageQueries.Row> rows = usage.queries().account(p.accountId(), w, columns, true);
        // rows come ordered by (group, bucket); the answer is ordered by (date, group)
        Map<String, long[]> buckets = new java.util.TreeMap<>();
        Map<String, String[]> keys = new LinkedHashMap<>();
        for (UsageQueries.Row r : rows) {
            String date = period.equals("month") ? Window.monthOf(r.bucket()) : w.label(r.bucket());
            String group = groupBy == null ? null : r.group().get(0);
            String key = date + '\u0000' + (group == null ? "" : group);
            keys.putIfAbsent(key, new String[] {date, group});
            long[] sums = buckets.computeIfAbsent(key, k -> new long[4]);
            sums[0] += r.requests();
            sums[1] += r.inputTokens();
            sums[2] += r.outputTokens();
            sums[3] += r.costMicros();
        }
        ObjectNode out = Json.object();
        ArrayNode data = out.putArray("data");
        for (Map.Entry<String, long[]> e : buckets.entrySet()) {
            String[] k = keys.get(e.getKey());
            ObjectNode row = data.addObject().put("date", k[0]);
            if (k[1] == null) row.putNull("group");
            else row.put("group", groupBy.equals("user") || groupBy.equals("key") ? k[1] : UsageTable.name(k[1]));
            row.put("requests", e.getValue()[0]);
            row.put("input_tokens", e.getValue()[1]);
            row.put("output_tokens", e.getValue()[2]);
            row.put("cost", Cost.toCreditsDecimal(e.getValue()[3]));
        }
        UsageTable.send(req, res, out, DAILY_COLUMNS);
    }

    private static void credits(ObjectNode into, Map<String, Long> micros) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(micros.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> e : sorted) into.put(e.getKey(), Cost.toCreditsDecimal(e.getValue()));
    }
}
