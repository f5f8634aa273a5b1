package dev.tollgate.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.routing.auto.Analysis;
import dev.tollgate.routing.auto.AutoPolicy;
import dev.tollgate.routing.auto.AutoSelection;
import dev.tollgate.routing.auto.NoAutoCandidateException;
import dev.tollgate.routing.auto.PromptAnalyzer;
import dev.tollgate.routing.auto.TaskType;
import dev.tollgate.routing.budget.BudgetState;
import dev.tollgate.routing.budget.ProviderBudgets;
import dev.tollgate.routing.health.Speeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a chat request into a {@link Route}: the ordered deployments the pipeline will try. Steps,
 * in order (docs/routing.md "Choosing candidates"):
 * <ol>
 *   <li>names → deployments: the {@code model} and the {@code models} fallbacks through the
 *       {@link Catalog}, or for {@code "model": "auto"} the {@link AutoPolicy}'s pick among the
 *       public models that pass the next two steps, then the rest of its cell;
 *   <li>drop deployments that lack a capability the request needs or whose context window is too
 *       small ({@link Fit}); none left → 400;
 *   <li>drop deployments whose provider's monthly budget is exhausted; none left → 429;
 *   <li>with {@code prefer_cheap} (not for auto, whose order is the policy's), order by the
 *       worst-case cost of this request, cheapest first (stable: ties keep the configured order);
 *   <li>move deployments whose provider is past {@code switch_at} behind all others (stable).
 * </ol>
 * A candidate dropped in step 2 for a missing capability is recorded as {@link Route#skipped()} too
 * ({@code no_json_schema}, {@code no_tools}, {@code no_vision}), so a fallback never drops a schema silently.
 * The request's {@link ProviderPrefs} act around these: {@code only}/{@code ignore}/{@code max_price} drop
 * candidates first (recorded as {@link Route#skipped()}); {@link Sticky} orders equal deployments before
 * step 4; {@code sort: price} is step 4; {@code order} moves its providers first before step 5;
 * {@code allow_fallbacks: false} cuts the list last.
 * Affordability is not decided here: the pipeline skips a candidate the caller cannot cover.
 * Thread-safe; no I/O except the budgets' periodic re-read.
 */
public final class Router {
    /** The public name that asks for automatic selection; the config loader refuses it as a model or alias. */
    public static final String AUTO = "auto";

    /**
     * Per-request routing choices. {@code preferCheap} comes from the request's {@code prefer_cheap};
     * a per-key or per-plan default goes in {@link #of}'s second argument. {@code task}: the task type
     * the caller declared (null: none), which {@code model: auto} uses instead of the analyser's.
     * {@code prefs}: the request's {@code provider} object ({@link ProviderPrefs#NONE} when absent).
     * {@code stickyKey}: what keeps a conversation or end user on one deployment ({@link Sticky}; null: none).
     */
    public record Options(boolean preferCheap, TaskType task, ProviderPrefs prefs, String stickyKey) {
        public static final Options DEFAULT = new Options(false);

        public Options(boolean preferCheap) {
            this(preferCheap, null, ProviderPrefs.NONE, null);
        }

        /** The request's choice when it made one, else the caller's default. */
        public static Options of(Boolean requestedPreferCheap, boolean defaultPreferCheap) {
            return new Options(requestedPreferCheap != null ? requestedPreferCheap : defaultPreferCheap);
        }

        public Options withTask(TaskType declared) {
            return new Options(preferCheap, declared, prefs, stickyKey);
        }

        public Options withPrefs(ProviderPrefs provider, String sticky) {
            return new Options(preferCheap, task, provider, sticky);
        }
    }

    private final Catalog catalog;
    private final AutoPolicy policy;
    private final PriceBook prices;
    private final ProviderBudgets budgets;
    private final boolean sticky;
    private final Speeds speeds;

    public Router(Catalog catalog, AutoPolicy policy, PriceBook prices, ProviderBudgets budgets) {
        this(catalog, policy, prices, budgets, false);
    }

    public Router(Catalog catalog, AutoPolicy policy, PriceBook prices, ProviderBudgets budgets, boolean sticky) {
        this(catalog, policy, prices, budgets, sticky, new Speeds());
    }

    /**
     * {@code sticky}: {@code routing.sticky}, whether a request's stickiness key orders equal deployments;
     * {@code speeds}: the observed figures {@code provider.sort: latency | throughput} orders by.
     */
    public Router(Catalog catalog, AutoPolicy policy, PriceBook prices, ProviderBudgets budgets, boolean sticky,
                  Speeds speeds) {
        this.catalog = catalog;
        this.policy = policy;
        this.prices = prices;
        this.budgets = budgets;
        this.sticky = sticky;
        this.speeds = speeds;
    }

    /**
     * @param body the chat-completions body (OpenAI format), Tollgate's own fields already taken out
     * @throws UnknownModelException when a name is neither a model nor an alias
     * @throws NoRouteException when every candidate is unsuitable or out of budget
     * @throws NoAutoCandidateException when auto's policy has no available candidate for the request
     */
    public Route route(JsonNode body, String model, List<String> fallbacks, Options options) {
        Screen screen = new Screen(body);
        if (AUTO.equals(model)) return withPrefs(auto(body, fallbacks, screen, options.task()), options.prefs());
        String what = describe(model, fallbacks);
        ProviderPrefs prefs = options.prefs();
        List<Route.Skip> skipped = new ArrayList<>();
        List<Deployment> allowed = new ArrayList<>();
        for (Deployment d : catalog.candidates(model, fallbacks)) {
            String why = prefs.exclusion(d, prices.price(d.publicName()));
            if (why == null) allowed.add(d);
            else skipped.add(new Route.Skip(d, why));
        }
        if (allowed.isEmpty()) throw noneMatch(what, skipped);
        List<Deployment> eligible = screen.keep(allowed, what);
        for (Deployment d : allowed) { // a candidate that cannot honour the request (a schema, tools) is named, never silent
            String missing = screen.fit.missingCapability(d);
            if (missing != null) skipped.add(new Route.Skip(d, "no_" + missing));
        }
        if (sticky) eligible = Sticky.order(eligible, options.stickyKey(), this::sameness); // among equals only: the sorts below are stable
        eligible = switch (prefs.sort()) { // an explicit sort wins over prefer_cheap
            case PRICE -> cheapestFirst(eligible, body, screen);
            case LATENCY -> speeds.fastestFirst(eligible);
            case THROUGHPUT -> speeds.highestThroughputFirst(eligible);
            case NONE -> options.preferCheap() ? cheapestFirst(eligible, body, screen) : eligible;
        };
        eligible = screen.switchingLast(prefs.ordered(eligible));
        List<Deployment> tried = prefs.withoutFallbacks(eligible);
        if (tried != null) {
            for (Deployment d : eligible) if (!tried.contains(d)) skipped.add(new Route.Skip(d, ProviderPrefs.NO_FALLBACKS));
            if (tried.isEmpty()) throw noneMatch(what, skipped);
            eligible = tried;
        }
        return new Route(eligible, null, skipped);
    }

    /**
     * {@code model: auto} with provider preferences: the policy's candidates filtered and ordered by them
     * afterwards (the decision headers still describe the policy's pick; docs/routing.md).
     */
    private Route withPrefs(Route route, ProviderPrefs prefs) {
        if (prefs.equals(ProviderPrefs.NONE)) return route;
        List<Route.Skip> skipped = new ArrayList<>();
        List<Deployment> allowed = new ArrayList<>();
        for (Deployment d : route.candidates()) {
            String why = prefs.exclusion(d, prices.price(d.publicName()));
            if (why == null) allowed.add(d);
            else skipped.add(new Route.Skip(d, why));
        }
        if (allowed.isEmpty()) throw noneMatch(AUTO, skipped);
        allowed = prefs.ordered(allowed);
        List<Deployment> tried = prefs.withoutFallbacks(allowed);
        if (tried != null) {
            for (Deployment d : allowed) if (!tried.contains(d)) skipped.add(new Route.Skip(d, ProviderPrefs.NO_FALLBACKS));
            if (tried.isEmpty()) throw noneMatch(AUTO, skipped);
            allowed = tried;
        }
        return new Route(allowed, route.auto(), skipped);
    }

    /** The configured provider names a request's {@code provider} preferences may name. */
    public java.util.Set<String> providerNames() { return catalog.providerNames(); }

    /** Deployments {@link Sticky} may reorder among themselves: the same upstream model at the same prices. */
    private String sameness(Deployment d) {
        String price = prices.price(d.publicName()).canonical();
        return d.upstreamModel() + price.substring(price.indexOf("|in="));
    }

    private static NoRouteException noneMatch(String what, List<Route.Skip> skipped) {
        List<String> why = new ArrayList<>();
        for (Route.Skip s : skipped) why.add(s.deployment() + ": " + s.reason());
        return new NoRouteException(NoRouteException.Kind.UNSUITABLE, "No candidate for '" + what
                + "' matches the request's provider preferences: " + String.join("; ", why), 0);
    }

    private Route auto(JsonNode body, List<String> fallbacks, Screen screen, TaskType declared) {
        Analysis analysis = PromptAnalyzer.analyze(body);
        if (declared != null) { // the caller knows its task; the analyser still judges the complexity
            analysis = new Analysis(declared, analysis.complexity(), 1.0,
                    "task " + declared.wireName() + " (declared); " + analysis.reasoning());
        }
        Set<String> available = new LinkedHashSet<>();
        Set<String> preferred = new LinkedHashSet<>(); // available on a provider that is not switching away
        List<Deployment> all = new ArrayList<>();
        for (String name : catalog.publicNames().keySet()) {
            List<Deployment> named = catalog.candidates(name, null);
            all.addAll(named);
            List<Deployment> ok = screen.eligible(named);
            if (!ok.isEmpty()) available.add(name);
            if (ok.stream().anyMatch(d -> screen.state(d) != BudgetState.SWITCHING)) preferred.add(name);
        }
        if (available.isEmpty()) screen.keep(all, AUTO); // throws, naming why
        AutoSelection selection;
        try {
            selection = policy.select(analysis, preferred);
        } catch (NoAutoCandidateException e) {
            selection = policy.select(analysis, available);
        }
        Set<Deployment> ordered = new LinkedHashSet<>(screen.eligible(catalog.candidates(selection.model(), null)));
        for (AutoPolicy.Candidate c : policy.candidates(analysis.taskType(), analysis.complexity())) {
            if (available.contains(c.model()) && c.quality() >= policy.minQuality()) {
                ordered.addAll(screen.eligible(catalog.candidates(c.model(), null)));
            }
        }
        if (fallbacks != null && !fallbacks.isEmpty()) ordered.addAll(screen.eligible(catalog.candidates(null, fallbacks)));
        return new Route(screen.switchingLast(List.copyOf(ordered)), selection);
    }

    /** Stable sort by what a hold for this request would reserve on each deployment. */
    private List<Deployment> cheapestFirst(List<Deployment> candidates, JsonNode body, Screen screen) {
        long cap = prices.outputBound(body); // n answers cost n outputs
        Map<Deployment, Long> cost = new HashMap<>();
        for (Deployment d : candidates) {
            cost.put(d, Cost.worstCaseMicros(prices.price(d.publicName()), screen.fit.promptBound(d), cap));
        }
        List<Deployment> out = new ArrayList<>(candidates);
        out.sort(Comparator.comparingLong(cost::get));
        return out;
    }

    private static String describe(String model, List<String> fallbacks) {
        List<String> names = new ArrayList<>();
        if (model != null) names.add(model);
        if (fallbacks != null) names.addAll(fallbacks);
        return String.join(", ", names);
    }

    /** One request's view of the deployments: fit and budget state, each worked out once. */
    private final class Screen {
        private final Fit fit;
        private final Map<Deployment, String> problems = new HashMap<>();
        private final Map<String, BudgetState> states = new HashMap<>();

        Screen(JsonNode body) {
            this.fit = new Fit(body);
        }

        String problem(Deployment d) {
            return problems.computeIfAbsent(d, x -> {
                String p = fit.problem(x);
                return p == null ? "" : p;
            });
        }

        BudgetState state(Deployment d) {
            return states.computeIfAbsent(d.providerName(), budgets::state);
        }

        List<Deployment> eligible(List<Deployment> candidates) {
            return candidates.stream()
                    .filter(d -> problem(d).isEmpty() && state(d) != BudgetState.EXHAUSTED)
                    .toList();
        }

        /** The eligible candidates, in order; when there are none, throws naming why. */
        List<Deployment> keep(List<Deployment> candidates, String what) {
            List<Deployment> ok = eligible(candidates);
            if (!ok.isEmpty()) return ok;
            List<String> unsuitable = new ArrayList<>();
            Set<String> exhausted = new LinkedHashSet<>();
            for (Deployment d : candidates) {
                if (!problem(d).isEmpty()) unsuitable.add(problem(d));
                else exhausted.add(d.providerName());
            }
            if (!exhausted.isEmpty()) {
                throw new NoRouteException(NoRouteException.Kind.BUDGET_EXHAUSTED, "Every provider that can serve '" + what
                        + "' has used its monthly budget (" + String.join(", ", exhausted)
                        + "); budgets reset at the start of the next month (UTC)", budgets.secondsUntilNextMonth());
            }
            throw new NoRouteException(NoRouteException.Kind.UNSUITABLE, "No model for '" + what
                    + "' can serve this request: " + String.join("; ", new LinkedHashSet<>(unsuitable)), 0);
        }

        /** Stable: deployments on a provider past switch_at go after all the others. */
        List<Deployment> switchingLast(List<Deployment> candidates) {
            if (!budgets.any()) return candidates;
            List<Deployment> first = new ArrayList<>();
            List<Deployment> last = new ArrayList<>();
            for (Deployment d : candidates) (state(d) == BudgetState.SWITCHING ? last : first).add(d);
            first.addAll(last);
            return first;
        }
    }
}
