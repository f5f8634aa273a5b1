package dev.tollgate.limits.stop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code /admin/emergency-stop} (CONTRACT §5), admin token required:
 * {@code POST} {@code {"scope","id"?,"reason"}} → 201 the stop; {@code GET} the active stops
 * ({@code ?all=true}: released ones too, newest first); {@code DELETE /{id}} → 204.
 */
public final class StopsAdmin implements HttpService {
    private static final long BODY_BYTES_MAX = 16 * 1024;

    private final Authenticator auth;
    private final EmergencyStops stops;

    public StopsAdmin(Authenticator auth, EmergencyStops stops) {
        this.auth = auth;
        this.stops = stops;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create).get("/", this::list).delete("/{id}", this::release);
    }

    private void create(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, BODY_BYTES_MAX));
        String scopeText = text(body, "scope");
        StopScope scope = StopScope.parse(scopeText);
        String id = text(body, "id");
        String reason = text(body, "reason");
        EmergencyStops.Problem problem = stops.check(scope, id, reason);
        if (problem != null) {
            throw problem.notFound() ? ApiException.notFound(scope.wire() + "_not_found", problem.param(), problem.message())
                    : ApiException.invalid(problem.param(), problem.message());
        }
        json(res, 201, json(stops.create(scope, id, reason, "admin")));
    }

    private void list(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        boolean all = req.query().first("all").map("true"::equalsIgnoreCase).orElse(false);
        List<Stop> found = all ? stops.all() : stops.active();
        ObjectNode out = Json.object();
        ArrayNode data = out.putArray("data");
        found.forEach(s -> data.add(json(s)));
        json(res, 200, out);
    }

    private void release(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        if (stops.release(id).isEmpty()) {
            throw ApiException.notFound("stop_not_found", "id", "No emergency stop with id '" + id + "'");
        }
        res.status(204).send();
    }

    /** The wire shape of a stop: {@code id, scope, subject, reason, origin, created_at, released_at} (seconds). */
    static ObjectNode json(Stop s) {
        ObjectNode out = Json.object().put("id", s.id()).put("scope", s.scope().wire());
        if (s.subject() == null) out.putNull("subject");
        else out.put("subject", s.subject());
        out.put("reason", s.reason()).put("origin", s.origin()).put("created_at", s.createdAtMs() / 1000);
        if (s.releasedAtMs() == null) out.putNull("released_at");
        else out.put("released_at", s.releasedAtMs() / 1000);
        return out;
    }

    /** A string field, null when absent or null; any other type is a 400. */
    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(field, "'" + field + "' must be a string");
        return v.asText();
    }

    private static void json(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
