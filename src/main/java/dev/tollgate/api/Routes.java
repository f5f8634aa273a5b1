package dev.tollgate.api;

import dev.tollgate.account.Principal;
import dev.tollgate.routing.Route;
import dev.tollgate.routing.Router;

/** The route step of the chat handlers: one place that turns a parsed request and its caller into a {@link Route}. */
public final class Routes {
    private Routes() {}

    public static Route of(Router router, ChatRequest chat, Principal principal) {
        // prefer_cheap's default when the request does not say: false today; a per-key or per-plan
        // default (keys and plans are the limits issue) is the second argument, read from principal
        boolean keyDefaultPreferCheap = false;
        return router.route(chat.body(), chat.model(), chat.models(),
                Router.Options.of(chat.preferCheap(), keyDefaultPreferCheap));
    }
}
