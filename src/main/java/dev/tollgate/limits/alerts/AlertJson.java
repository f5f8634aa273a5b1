package dev.tollgate.limits.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.List;

/** The wire shape of an alert (CONTRACT §5), for GET /admin/alerts, GET /v1/usage and the webhook. */
public final class AlertJson {
    private AlertJson() {}

    /** {@code {"id","scope","subject","metric","threshold","value","limit","period","created_at","delivery":{…}}}. */
    public static ObjectNode of(Alert a) {
        ObjectNode out = fields(a);
        out.putObject("delivery").put("status", a.deliveryStatus()).put("attempts", a.attempts());
        return out;
    }

    public static ArrayNode list(List<Alert> alerts) {
        ArrayNode out = Json.NODES.arrayNode();
        for (Alert a : alerts) out.add(of(a));
        return out;
    }

    /** The webhook's {@code data}: the alert without its delivery state (which the receiver is part of). */
    static ObjectNode fields(Alert a) {
        ObjectNode out = Json.object().put("id", a.id()).put("scope", a.scope()).put("subject", a.subject());
        out.put("metric", a.metric()).put("threshold", a.threshold()).put("value", a.value()).put("limit", a.limit());
        out.put("period", a.period()).put("created_at", a.createdAtMs() / 1000);
        return out;
    }
}
