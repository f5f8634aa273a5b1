package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.limits.Guard;
import dev.tollgate.limits.QuotaStep;
import dev.tollgate.limits.UsageReport;
import dev.tollgate.usage.UsageQueries;
import dev.tollgate.usage.Window;
import java.util.List;
import dev.tollgate.limits.alerts.AlertJson;
import dev.tollgate.limits.alerts.Alerts;
import dev.tollgate.limits.quota.Quotas;
import dev.tollgate.metering.Cost;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/plans} (the configured plans, for a pricing page or the dashboard) and {@code GET /v1/usage}
 * (the caller's current calendar month against its limits), CONTRACT §5. Neither consumes any limit.
 */
public final class LimitsApi {
    private final Authenticator auth;
    private final Guard guard;
    private final Quotas quotas;
    private final Alerts alerts;
    private final UsageQueries analytics;
    private final byte[] plans;

    public LimitsApi(Authenticator auth, Limits limits, Guard guard, Quotas quotas, Alerts alerts) {
        this(auth, limits, guard, quotas, alerts, null);
    }

    /** {@code analytics}: where {@code /v1/usage} reads the month of a caller whose counters are not kept (null: 0s). */
    public LimitsApi(Authenticator auth, Limits limits, Guard guard, Quotas quotas, Alerts alerts, UsageQueries analytics) {
        this.auth = auth;
        this.guard = guard;
        this.quotas = quotas;
        this.alerts = alerts;
        this.analytics = analytics;
        this.plans = Json.bytes(plans(limits)); // the config is immutable: render once
    }

    public void plans(ServerRequest req, ServerResponse res) {
        auth.apiKey(req);
        res.header("Content-Type", "application/json");
        res.send(plans);
    }

    public void usage(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        Limits.Plan plan = guard.plan(p);
        UsageReport u = UsageReport.of(p, plan, quotas);
        boolean counted = QuotaStep.keepsCounters(p, plan) || analytics == null;
        if (!counted) u = fromAnalytics(p, u);
        ObjectNode out = Json.object();
        out.put("plan", u.plan() == null ? null : u.plan().name());
        out.putObject("period").put("start", u.start().toString()).put("end", u.end().toString());
        count(out.putObject("messages"), u.messages());
        count(out.putObject("tokens"), u.tokens());
        count(out.putObject("images"), u.images());
        credits(out.putObject("spend"), u.spendMicros());
        if (u.keySpend() != null) credits(out.putObject("key").put("id", p.keyId()).putObject("spend"), u.keySpend());
        out.put("counted_by", counted ? "quotas" : "analytics");
        // the account's and its keys' threshold alerts this month, newest first (docs/alerts.md)
        out.set("alerts", AlertJson.list(alerts.forAccount(p.accountId(), alerts.currentPeriod())));
        Admin.json(res, 200, out);
    }

    /**
     * A caller without a plan or budget has no monthly counters (nothing to enforce, so nothing is reserved per
     * request): its month comes from the usage rollups instead — daily buckets since the 1st, UTC. Messages are
     * the successful requests, tokens input + output, spend the cost; images are not told apart there (0).
     */
    private UsageReport fromAnalytics(Principal p, UsageReport u) {
        int days = (int) Math.max(1, java.time.Duration.between(u.start(), u.end()).toDays());
        List<UsageQueries.Row> rows = analytics.account(p.accountId(), new Window("d", u.start().toEpochMilli(), days),
                List.of(), false);
        if (rows.isEmpty()) return u;
        UsageQueries.Row r = rows.get(0);
        return new UsageReport(u.plan(), u.start(), u.end(), new UsageReport.Line(r.ok(), null),
                new UsageReport.Line(r.inputTokens() + r.outputTokens(), null), u.images(),
                new UsageReport.Line(r.costMicros(), null), u.keySpend());
    }

    private static void count(ObjectNode out, UsageReport.Line line) {
        out.put("used", line.used()).put("limit", line.limit()).put("remaining", line.remaining());
    }

    private static void credits(ObjectNode out, UsageReport.Line line) {
        out.put("used", Cost.toCreditsDecimal(line.used()));
        if (line.limit() == null) out.putNull("limit").putNull("remaining");
        else out.put("limit", Cost.toCreditsDecimal(line.limit())).put("remaining", Cost.toCreditsDecimal(line.remaining()));
    }

    private static ObjectNode plans(Limits limits) {
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (Limits.Plan p : limits.plans().values()) {
            ObjectNode plan = data.addObject().put("name", p.name()).put("description", p.description()).put("price", p.price());
            plan.put("rpm", p.rpm()).put("tpm", p.tpm()).put("max_parallel", p.maxParallel());
            plan.putObject("monthly").put("messages", p.monthly().messages()).put("tokens", p.monthly().tokens())
                    .put("images", p.monthly().images());
            if (p.monthlyBudgetMicros() == null) plan.putNull("monthly_budget");
            else plan.put("monthly_budget", Cost.toCreditsDecimal(p.monthlyBudgetMicros()));
            if (p.models() == null) plan.putNull("models");
            else p.models().forEach(plan.putArray("models")::add);
            plan.put("max_context", p.maxContext());
            plan.putObject("features").put("images", p.features().images()).put("cache", p.features().cache());
        }
        return root;
    }
}
