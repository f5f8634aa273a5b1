package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Billing;
import dev.tollgate.billing.Reservation;
import dev.tollgate.limits.Demand;
import dev.tollgate.limits.Spent;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.routing.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What a request asks of the guard (its worst case, before any call) and what it actually spent (after), per
 * endpoint. Spend is the dearest candidate's hold, so a budget never overshoots when a fallback costs more.
 */
public final class Demands {
    private Demands() {}

    public static Demand chat(ChatRequest chat, List<Deployment> candidates, Billing billing) {
        ObjectNode body = chat.body();
        long prompt = PromptTokens.upperBound(body);
        long tokens = Math.addExact(prompt, billing.outputBound(body)); // every answer of n / best_of
        String upstream = candidates.get(0).upstreamModel();
        return new Demand(names(chat.model(), chat.models()), Demand.Kind.CHAT, prompt,
                () -> PromptTokens.exact(body, upstream), tokens,
                () -> dearest(candidates, d -> billing.quoteMicros(d, body, Long.MAX_VALUE)), 0);
    }

    static Demand embeddings(String model, long promptBound, List<Deployment> candidates, ToLongFunction<Deployment> micros) {
        return new Demand(List.of(model), Demand.Kind.EMBEDDINGS, promptBound, () -> promptBound, promptBound,
                () -> dearest(candidates, micros), 0);
    }

    static Demand images(String model, long n, List<Deployment> candidates, ToLongFunction<Deployment> micros) {
        return new Demand(List.of(model), Demand.Kind.IMAGES, 0, () -> 0, 0, () -> dearest(candidates, micros), n);
    }

    /** What a settled request used; nothing when it was not charged (a stream cut before any token). */
    public static Spent spent(Reservation.Charged charged, long images) {
        if (charged == null) return Spent.NOTHING;
        return new Spent(charged.usage().promptTokens() + charged.usage().completionTokens(), charged.costMicros(), images);
    }

    private static long dearest(List<Deployment> candidates, ToLongFunction<Deployment> micros) {
        long max = 0;
        for (Deployment d : candidates) max = Math.max(max, micros.applyAsLong(d));
        return max;
    }

    private static List<String> names(String model, List<String> fallbacks) {
        List<String> out = new ArrayList<>(1 + fallbacks.size());
        if (model != null) out.add(model);
        out.addAll(fallbacks);
        return out;
    }
}
