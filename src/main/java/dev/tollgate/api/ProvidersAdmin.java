package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.routing.budget.BudgetStatus;
import dev.tollgate.routing.budget.ProviderBudgets;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code GET /admin/providers} (admin token): every configured provider with its month's usage
 * against its budgets and its budget state, re-read from the ledger for this answer. {@code health}
 * is where live health goes (circuit breaker, rpm headroom): empty until that is built.
 */
public final class ProvidersAdmin implements Handler {
    private final Authenticator auth;
    private final TollgateConfig config;
    private final ProviderBudgets budgets;

    public ProvidersAdmin(Authenticator auth, TollgateConfig config, ProviderBudgets budgets) {
        this.auth = auth;
        this.config = config;
        this.budgets = budgets;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        ObjectNode out = Json.object();
        java.util.List<BudgetStatus> statuses = budgets.statuses(true);
        out.put("month", statuses.isEmpty() ? null : statuses.get(0).month().toString());
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
            p.put("state", s.state().wireName());
            p.putObject("health"); // circuit breaker and rpm headroom: filled by the resilience work
        }
        Admin.json(res, 200, out);
    }
}
