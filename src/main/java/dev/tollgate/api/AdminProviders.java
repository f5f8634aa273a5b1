package dev.tollgate.api;

import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.routing.health.ProviderHealth;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /admin/providers} (admin token): per provider, its rpm limit and headroom and each
 * deployment's circuit breaker, from {@link ProviderHealth#snapshot()}. Read-only; calls no provider.
 */
public final class AdminProviders implements Handler {
    public static final String PATH = "/admin/providers";

    private final Authenticator auth;
    private final ProviderHealth health;

    public AdminProviders(Authenticator auth, ProviderHealth health) {
        this.auth = auth;
        this.health = health;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        var body = Json.object();
        var data = body.putArray("data");
        for (ProviderHealth.ProviderView p : health.snapshot().providers()) {
            var provider = data.addObject().put("name", p.name());
            if (p.rpm() == null) {
                provider.putNull("rpm");
            } else {
                provider.put("rpm", p.rpm()).put("rpm_headroom", p.rpmHeadroom()).put("rpm_limiter", p.rpmLimiter());
            }
            var deployments = provider.putArray("deployments");
            for (ProviderHealth.DeploymentView d : p.deployments()) {
                var row = deployments.addObject().put("model", d.model()).put("breaker", d.breaker())
                        .put("consecutive_failures", d.consecutiveFailures());
                if (d.probeAtMs() != null) row.put("probe_at_ms", d.probeAtMs());
            }
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
