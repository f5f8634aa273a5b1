package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.routing.budget.BudgetStatus;
import dev.tollgate.routing.budget.ProviderBudgets;
import dev.tollgate.routing.health.ProviderHealth;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code GET /admin/providers} (admin token): every configured provider with its month's usage
 * against its budgets (re-read from the ledger for this answer), its state, and this replica's live
 * health: rpm limit and headroom, and each deployment's circuit breaker. State is the budget state
 * (ok / warning / switching / exhausted), or {@code circuit-open} when the budget allows traffic but
 * an open breaker is keeping a deployment of the provider out.
 */
public final class ProvidersAdmin implements Handler {
    private final Authenticator auth;
    private final TollgateConfig config;
    private final ProviderBudgets budgets;
    private final ProviderHealth health;

    public ProvidersAdmin(Authenticator auth, TollgateConfig config, ProviderBudgets budgets, ProviderHealth health) {
        this.auth = auth;
        this.config = config;
        this.budgets = budgets;
        this.health = health;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        ObjectNode out = Json.object();
        java.util.List<BudgetStatus> statuses = budgets.statuses(true);
        out.put("month", statuses.isEmpty() ? null : statuses.get(0).month().toString());
        java.util.Map<String, ProviderHealth.ProviderView> live = new java.util.HashMap<>();
        for (ProviderHealth.ProviderView v : health.snapshot().providers()) live.put(v.name(), v);
        ArrayNode data = out.putArray("data");
        for (BudgetStatus s : statuses) {
            ObjectNode p = data.addObject();
            p.put("name", s.provider());
            p.put("type", config.provider(s.provider()).type());
            p.put("month", s.month().toString());
            p.put("tokens_used", s.tokens());
            p.put("usd_used", s.usd());
            if (s.tokenBudget() == null) p.putNull("monthly_token_budget");
            else p.put("monthly_token_budget", s.tokenBudget());
            p.put("monthly_usd_budget", s.usdBudget());
            if (s.usedFraction() == null) p.putNull("percent_used");
            else p.put("percent_used", BigDecimal.valueOf(s.usedFraction() * 100).setScale(2, RoundingMode.HALF_UP));
            ProviderHealth.ProviderView view = live.get(s.provider());
            boolean circuitOpen = view != null && view.deployments().stream().anyMatch(d -> "open".equals(d.breaker()));
            boolean budgetAllows = s.state().wireName().equals("ok") || s.state().wireName().equals("warning");
            p.put("state", circuitOpen && budgetAllows ? "circuit-open" : s.state().wireName());
            putHealth(p.putObject("health"), view);
        }
        Admin.json(res, 200, out);
    }

    private static void putHealth(ObjectNode health, ProviderHealth.ProviderView view) {
        if (view == null || view.rpm() == null) {
            health.putNull("rpm");
        } else {
            health.put("rpm", view.rpm()).put("rpm_headroom", view.rpmHeadroom()).put("rpm_limiter", view.rpmLimiter());
        }
        ArrayNode deployments = health.putArray("deployments");
        if (view == null) return;
        for (ProviderHealth.DeploymentView d : view.deployments()) {
            ObjectNode row = deployments.addObject().put("model", d.model()).put("breaker", d.breaker())
                    .put("consecutive_failures", d.consecutiveFailures());
            if (d.probeAtMs() != null) row.put("probe_at_ms", d.probeAtMs());
        }
    }
}
