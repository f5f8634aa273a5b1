package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.metering.Cost;
import dev.tollgate.usage.UsageAnalytics;
import dev.tollgate.usage.UsageQueries;
import dev.tollgate.usage.Window;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The operator's analytics (CONTRACT §6, docs/analytics.md): every account, from the rollups, each with
 * a window of {@code hours=N} or {@code days=N} (default 30 days), JSON or CSV. Admin token only.
 */
public final class AnalyticsAdmin implements HttpService {
    private static final int DEFAULT_DAYS = 30;
    private static final int LIMIT_MAX = 1_000;
    private static final Map<String, String> RANKS = Map.of("cost", "cost_micros", "requests", "requests",
            "input_tokens", "input_tokens", "output_tokens", "output_tokens");
    private static final List<String> USAGE_COLUMNS = List.of("requests", "successful_requests", "failed_requests",
            "error_rate", "input_tokens", "output_tokens", "cached_tokens", "cost", "cache_savings", "avg_latency_ms");

    private final Authenticator auth;
    private final UsageAnalytics usage;

    public AnalyticsAdmin(Authenticator auth, UsageAnalytics usage) {
        this.auth = auth;
        this.usage = usage;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/summary", this::summary)
                .get("/trends", this::trends)
                .get("/top-accounts", this::topAccounts)
                .get("/top-users", this::topUsers)
                .get("/models", (req, res) -> byDimension(req, res, "model"))
                .get("/providers", (req, res) -> byDimension(req, res, "provider"))
                .get("/tasks", (req, res) -> byDimension(req, res, "task"))
                .get("/cache", this::cache)
                .get("/plans", this::plans);
    }

    private Window window(ServerRequest req) {
        auth.admin(req);
        return UsageTable.window(req, usage.clock().millis(), DEFAULT_DAYS);
    }

    private void summary(ServerRequest req, ServerResponse res) {
        Window w = window(req);
        UsageQueries.Row t = usage.queries().totals(w);
        long accounts = usage.queries().accountsByPlan().values().stream().mapToLong(Long::longValue).sum();
        ObjectNode out = Json.object();
        out.set("window", UsageTable.windowJson(w));
        out.put("accounts", accounts);
        out.put("active_accounts", t.accounts());
        counters(out, t);
        out.put("total_tokens", t.inputTokens() + t.outputTokens());
        out.put("cache_hits", t.cacheHits());
        UsageTable.send(req, res, out, UsageTable.fields(out));
    }

    private void trends(ServerRequest req, ServerResponse res) {
        Window w = window(req);
        ObjectNode out = answer(w);
        ArrayNode data = out.putArray("data");
        for (UsageQueries.Row r : usage.queries().system(w, List.of(), true)) {
            counters(data.addObject().put("date", w.label(r.bucket())), r);
        }
        UsageTable.send(req, res, out, concat("date", USAGE_COLUMNS));
    }

    private void topAccounts(ServerRequest req, ServerResponse res) {
        Window w = window(req);
        List<UsageQueries.Row> rows = usage.queries().topAccounts(w, rank(req), limit(req));
        Map<String, String> names = usage.queries().accountNames(rows.stream().map(r -> r.group().get(0)).toList());
        ObjectNode out = answer(w);
        ArrayNode data = out.putArray("data");
        for (UsageQueries.Row r : rows) {
            ObjectNode row = data.addObject().put("account", r.group().get(0)).put("name", names.get(r.group().get(0)));
            counters(row, r);
        }
        UsageTable.send(req, res, out, concat2("account", "name", USAGE_COLUMNS));
    }

    private void topUsers(ServerRequest req, ServerResponse res) {
        Window w = window(req);
        ObjectNode out = answer(w);
        ArrayNode data = out.putArray("data");
        String account = req.query().first("account").filter(s -> !s.isBlank()).orElse(null);
        for (UsageQueries.Row r : usage.queries().topUsers(w, rank(req), limit(req), account)) {
            counters(data.addObject().put("account", r.group().get(0)).put("user", r.group().get(1)), r);
        }
        UsageTable.send(req, res, out, concat2("account", "user", USAGE_COLUMNS));
    }

    /** Usage by model, provider or task type over all accounts, highest cost first. */
    private void byDimension(ServerRequest req, ServerResponse res, String column) {
        Window w = window(req);
        ObjectNode out = answer(w);
        ArrayNode data = out.putArray("data");
        List<UsageQueries.Row> rows = new java.util.ArrayList<>(usage.queries().system(w, List.of(column), false));
        rows.sort((a, b) -> Long.compare(b.costMicros(), a.costMicros()));
        for (UsageQueries.Row r : rows) counters(data.addObject().put(column, UsageTable.name(r.group().get(0))), r);
        UsageTable.send(req, res, out, concat(column, USAGE_COLUMNS));
    }

    private void cache(ServerRequest req, ServerResponse res) {
        Window w = window(req);
        ObjectNode out = answer(w);
        UsageQueries.Row t = usage.queries().totals(w);
        out.put("requests", t.requests());
        out.put("cache_hits", t.cacheHits());
        out.put("hit_rate", ratio(t.cacheHits(), t.requests()));
        out.put("input_tokens", t.inputTokens());
        out.put("cached_tokens", t.cachedTokens());
        out.put("cached_token_share", ratio(t.cachedTokens(), t.inputTokens()));
        out.put("cache_savings", Cost.toCreditsDecimal(t.cacheSavingsMicros()));
        ArrayNode data = out.putArray("data");
        for (UsageQueries.Row r : usage.queries().system(w, List.of("model"), false)) {
            data.addObject().put("model", UsageTable.name(r.group().get(0))).put("requests", r.requests())
                    .put("cache_hits", r.cacheHits()).put("input_tokens", r.inputTokens())
                    .put("cached_tokens", r.cachedTokens()).put("cache_savings", Cost.toCreditsDecimal(r.cacheSavingsMicros()));
        }
        UsageTable.send(req, res, out, List.of("model", "requests", "cache_hits", "input_tokens", "cached_tokens", "cache_savings"));
    }

    private void plans(ServerRequest req, ServerResponse res) {
        Window w = window(req);
        Map<String, Long> accounts = usage.queries().accountsByPlan();
        Map<String, UsageQueries.Row> active = new java.util.HashMap<>();
        for (UsageQueries.Row r : usage.queries().plans(w)) active.put(r.group().get(0), r);
        java.util.Set<String> plans = new java.util.TreeSet<>(accounts.keySet());
        plans.addAll(active.keySet());
        ObjectNode out = answer(w);
        ArrayNode data = out.putArray("data");
        for (String plan : plans) {
            ObjectNode row = data.addObject().put("plan", UsageTable.name(plan)).put("accounts", accounts.getOrDefault(plan, 0L));
            UsageQueries.Row r = active.get(plan);
            row.put("active_accounts", r == null ? 0 : r.accounts());
            counters(row, r == null ? new UsageQueries.Row(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : r);
        }
        UsageTable.send(req, res, out, concat2("plan", "accounts", concat("active_accounts", USAGE_COLUMNS)));
    }

    private static ObjectNode answer(Window w) {
        ObjectNode out = Json.object();
        out.set("window", UsageTable.windowJson(w));
        return out;
    }

    private static void counters(ObjectNode row, UsageQueries.Row r) {
        row.put("requests", r.requests());
        row.put("successful_requests", r.ok());
        row.put("failed_requests", r.failed());
        row.put("error_rate", ratio(r.failed(), r.requests()));
        row.put("input_tokens", r.inputTokens());
        row.put("output_tokens", r.outputTokens());
        row.put("cached_tokens", r.cachedTokens());
        row.put("cost", Cost.toCreditsDecimal(r.costMicros()));
        row.put("cache_savings", Cost.toCreditsDecimal(r.cacheSavingsMicros()));
        row.put("avg_latency_ms", r.requests() == 0 ? 0 : r.latencyMsSum() / r.requests());
    }

    private static BigDecimal ratio(long part, long whole) {
        if (whole == 0) return BigDecimal.ZERO;
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    private static String rank(ServerRequest req) {
        String by = req.query().first("by").filter(s -> !s.isBlank()).orElse("cost");
        String column = RANKS.get(by);
        if (column == null) throw ApiException.invalid("by", "'by' must be one of cost, requests, input_tokens, output_tokens");
        return column;
    }

    private static int limit(ServerRequest req) {
        return UsageTable.intParam(req, "limit", 10, 1, LIMIT_MAX);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new java.util.ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    private static List<String> concat2(String first, String second, List<String> rest) {
        return concat(first, concat(second, rest));
    }
}
