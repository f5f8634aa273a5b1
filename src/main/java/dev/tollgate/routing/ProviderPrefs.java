package dev.tollgate.routing;

import dev.tollgate.metering.ModelPrice;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A request's routing preferences, OpenRouter's {@code provider} object (docs/routing.md "Provider
 * preferences"). Provider names are the configured {@code providers[].name}s. {@code sort}: {@code price} is
 * the {@code prefer_cheap} ordering; {@code latency} and {@code throughput} order by the figures this replica
 * observed ({@link dev.tollgate.routing.health.Speeds}). The max prices are USD per 1M tokens, null when not given.
 */
public record ProviderPrefs(List<String> order, Set<String> only, Set<String> ignore, boolean allowFallbacks,
                            Sort sort, BigDecimal maxPromptUsdPer1M, BigDecimal maxCompletionUsdPer1M) {
    public static final ProviderPrefs NONE = new ProviderPrefs(List.of(), Set.of(), Set.of(), true, Sort.NONE, null, null);

    /** {@code provider.sort}; NONE when absent. */
    public enum Sort { NONE, PRICE, LATENCY, THROUGHPUT }

    /** {@code sort: "price"}: the {@code prefer_cheap} ordering. */
    public boolean sortByPrice() { return sort == Sort.PRICE; }

    /** Skip reasons, as they appear after {@code skip:} in {@code x-tollgate-attempts}. */
    public static final String IGNORED = "provider_ignored";
    public static final String NOT_ONLY = "provider_not_allowed";
    public static final String TOO_DEAR = "max_price";
    public static final String NO_FALLBACKS = "no_fallbacks";

    public ProviderPrefs {
        order = List.copyOf(order);
        only = Set.copyOf(only);
        ignore = Set.copyOf(ignore);
    }

    /** Every provider name the preferences mention, to check against the configured ones. */
    public List<String> names() {
        List<String> out = new ArrayList<>(order);
        out.addAll(only);
        out.addAll(ignore);
        return out;
    }

    /** Why {@code d} at price {@code p} is excluded (a skip reason), or null when it may be tried. */
    String exclusion(Deployment d, ModelPrice p) {
        if (ignore.contains(d.providerName())) return IGNORED;
        if (!only.isEmpty() && !only.contains(d.providerName())) return NOT_ONLY;
        if (maxPromptUsdPer1M != null && p.inputUsdPer1M().compareTo(maxPromptUsdPer1M) > 0) return TOO_DEAR;
        if (maxCompletionUsdPer1M != null && p.outputUsdPer1M().compareTo(maxCompletionUsdPer1M) > 0) return TOO_DEAR;
        return null;
    }

    /** Stable: deployments of the {@code order} providers first, in that order; the rest keep theirs. */
    List<Deployment> ordered(List<Deployment> candidates) {
        if (order.isEmpty()) return candidates;
        List<Deployment> out = new ArrayList<>(candidates);
        out.sort(Comparator.comparingInt(d -> {
            int i = order.indexOf(d.providerName());
            return i < 0 ? order.size() : i;
        }));
        return out;
    }

    /**
     * With {@code allow_fallbacks: false}: the candidates that may be tried — those of the {@code order}
     * providers when an order is given (possibly none), else only the first. Null when fallbacks are allowed.
     */
    List<Deployment> withoutFallbacks(List<Deployment> candidates) {
        if (allowFallbacks) return null;
        if (order.isEmpty()) return candidates.subList(0, 1);
        return candidates.stream().filter(d -> order.contains(d.providerName())).toList();
    }
}
