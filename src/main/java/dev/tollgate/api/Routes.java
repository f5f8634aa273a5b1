package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.routing.ProviderPrefs;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import dev.tollgate.routing.auto.TaskType;
import dev.tollgate.usage.UsageFacts;
import dev.tollgate.usage.UsageRecorder;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;

/** The route step of the chat handlers: one place that turns a parsed request and its caller into a {@link Route}. */
public final class Routes {
    /** How much of the first system and user message the stickiness key reads: a prefix is what a provider caches. */
    static final int STICKY_PREFIX_CHARS = 1024;
    /**
     * The route's skipped candidates, from here to {@link ChatPipeline#run} on the same request thread, so that
     * the three chat handlers and the cache keep their signatures. Set by every {@link #of} (so nothing stale
     * survives into the next request on a kept-alive connection) and taken by the pipeline.
     */
    private static final ThreadLocal<List<Route.Skip>> SKIPPED = new ThreadLocal<>();

    private Routes() {}

    /** The candidates this thread's last route skipped (provider preferences), once; empty when none. */
    static List<Route.Skip> takeSkipped() {
        List<Route.Skip> out = SKIPPED.get();
        SKIPPED.remove();
        return out == null ? List.of() : out;
    }

    /** {@code req}: for the declared task ({@code x-tollgate-task}); the body's {@code task} is taken out here. */
    public static Route of(Router router, ChatRequest chat, Principal principal, ServerRequest req) {
        // prefer_cheap's default when the request does not say: false today; a per-key or per-plan
        // default (keys and plans are the limits issue) is the second argument, read from principal
        boolean keyDefaultPreferCheap = false;
        UsageFacts facts = UsageFacts.current(); // usage analytics learn the request here, before routing can refuse it
        facts.requested(chat.model() != null ? chat.model() : chat.models().get(0), chat.body());
        facts.chat(chat.stream(), chat.body());
        TaskType task = DeclaredTask.take(req, chat.body());
        SKIPPED.remove();
        ProviderPrefs prefs = ProviderField.take(chat.body(), router.providerNames());
        if (chat.anthropicBody() != null) chat.anthropicBody().remove(ProviderField.FIELD); // passed through as is otherwise
        Route route = router.route(chat.body(), chat.model(), chat.models(),
                Router.Options.of(chat.preferCheap(), keyDefaultPreferCheap).withTask(task)
                        .withPrefs(prefs, stickyKey(req, chat.body())));
        record(facts, route, task);
        SKIPPED.set(route.skipped());
        return route;
    }

    /**
     * What keeps requests on one deployment among equals (docs/routing.md "Sticky routing"): the end user
     * ({@code x-tollgate-user}, else the body's {@code user}), else the start of the conversation — the first
     * system and first user message, which is the prefix a provider's prompt cache holds. Null when neither.
     */
    static String stickyKey(ServerRequest req, ObjectNode body) {
        String header = req.headers().first(UsageRecorder.USER_HEADER).orElse(null);
        if (header != null && !header.isBlank()) return "u:" + header;
        JsonNode user = body.get("user");
        if (user != null && user.isTextual() && !user.asText().isBlank()) return "u:" + user.asText();
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) return null;
        String system = null;
        String first = null;
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (system == null && (role.equals("system") || role.equals("developer"))) system = prefix(m.get("content"));
            if (first == null && role.equals("user")) first = prefix(m.get("content"));
            if (first != null) break; // the system prompt comes before the first user message, or not at all
        }
        return system == null && first == null ? null : "p:" + system + "\u0000" + first;
    }

    private static String prefix(JsonNode content) {
        if (content == null) return "";
        String text = content.isTextual() ? content.asText() : content.toString();
        return text.length() > STICKY_PREFIX_CHARS ? text.substring(0, STICKY_PREFIX_CHARS) : text;
    }

    /** The task usage analytics record: auto's (declared or analysed, with its complexity), else the declared one. */
    private static void record(UsageFacts facts, Route route, TaskType declared) {
        if (route.auto() != null) {
            facts.task(route.auto().analysis().taskType().wireName(), declared != null,
                    route.auto().analysis().complexity().wireName());
        } else if (declared != null) {
            facts.task(declared.wireName(), true, null);
        }
    }
}
