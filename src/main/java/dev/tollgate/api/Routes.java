package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;
import dev.tollgate.routing.auto.TaskType;
import dev.tollgate.usage.UsageFacts;
import io.helidon.webserver.http.ServerRequest;

/** The route step of the chat handlers: one place that turns a parsed request and its caller into a {@link Route}. */
public final class Routes {
    private Routes() {}

    /** {@code req}: for the declared task ({@code x-tollgate-task}); the body's {@code task} is taken out here. */
    public static Route of(Router router, ChatRequest chat, Principal principal, ServerRequest req) {
        // prefer_cheap's default when the request does not say: false today; a per-key or per-plan
        // default (keys and plans are the limits issue) is the second argument, read from principal
        boolean keyDefaultPreferCheap = false;
        UsageFacts facts = UsageFacts.current(); // usage analytics learn the request here, before routing can refuse it
        facts.requested(chat.model() != null ? chat.model() : chat.models().get(0), chat.body());
        facts.chat(chat.stream(), chat.body());
        TaskType task = DeclaredTask.take(req, chat.body());
        Route route = router.route(chat.body(), chat.model(), chat.models(),
                Router.Options.of(chat.preferCheap(), keyDefaultPreferCheap).withTask(task));
        record(facts, route, task);
        return route;
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
