package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.billing.Billing;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.ledger.Balance;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.ModelPrice;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.metering.Usage;
import dev.tollgate.routing.Catalog;
import dev.tollgate.routing.Deployment;
import dev.tollgate.json.Json;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/estimate}: what a chat request would cost on the first candidate, without calling
 * a provider. estimated_cost prices the counted prompt and the output cap; max_cost is what the
 * gateway would hold; sufficient says whether that hold would be placed now.
 */
public final class Estimate implements Handler {
    private final Authenticator auth;
    private final Catalog catalog;
    private final Billing billing;
    private final long maxBodyBytes;

    public Estimate(Authenticator auth, Catalog catalog, Billing billing, long maxBodyBytes) {
        this.auth = auth;
        this.catalog = catalog;
        this.billing = billing;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(Bodies.read(req, maxBodyBytes)));
        Deployment d = catalog.candidates(chat.model(), chat.models()).get(0);
        ModelPrice price = billing.price(d);
        long inputTokens = PromptTokens.exact(chat.body(), d.upstreamModel());
        long outputTokens = billing.outputCap(chat.body());
        long estimated = Cost.costMicros(price, Usage.of(inputTokens, outputTokens));
        long bound = Cost.worstCaseMicros(price, PromptTokens.upperBound(chat.body(), d.upstreamModel()), outputTokens);
        long exactWorst = Cost.worstCaseMicros(price, inputTokens, outputTokens);
        Balance balance = billing.balance(p.accountId());
        long available = Math.max(0, balance.availableMicros());
        // the same rule as the hold: the bound if it fits, else the exact worst case
        long held = bound <= available || !PromptTokens.exactSupported(d.upstreamModel()) ? bound : exactWorst;
        ObjectNode out = Json.object().put("model", d.publicName()).put("provider", d.providerName());
        out.put("estimated_input_tokens", inputTokens);
        out.put("estimated_output_tokens", outputTokens);
        out.put("estimated_cost", Cost.toCreditsDecimal(estimated));
        out.put("max_cost", Cost.toCreditsDecimal(held));
        out.put("balance", Cost.toCreditsDecimal(balance.postedMicros()));
        out.put("sufficient", price.free() || held <= available);
        Admin.json(res, 200, out);
    }
}
