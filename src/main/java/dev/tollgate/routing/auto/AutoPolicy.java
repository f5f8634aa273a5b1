package dev.tollgate.routing.auto;

import dev.tollgate.config.TollgateConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * For {@code "model": "auto"}: (task type, complexity) → ranked candidate models with quality
 * scores (0..1). Cells come from {@code routing.auto.policy}; a cell the config leaves out (or the
 * whole policy, when there is no {@code routing.auto}) comes from the default rule, which ranks the
 * configured models by price as a proxy for capability (see {@link #defaultFor}). Immutable.
 */
public final class AutoPolicy {
    /** A public model name (model or alias) and its quality score for one cell. */
    public record Candidate(String model, double quality) {}

    private static final int REASONING_CHARS_MAX = 240;

    private final Map<TaskType, Map<Complexity, List<Candidate>>> cells;
    private final double minQuality;

    private AutoPolicy(Map<TaskType, Map<Complexity, List<Candidate>>> cells, double minQuality) {
        this.cells = cells;
        this.minQuality = minQuality;
    }

    /** The policy of a validated config: its {@code routing.auto} cells over the default rule. */
    public static AutoPolicy from(TollgateConfig config) {
        AutoPolicy base = defaultFor(config.models());
        TollgateConfig.Auto auto = config.routing() == null ? null : config.routing().auto();
        if (auto == null) return base;
        Map<TaskType, Map<Complexity, List<Candidate>>> cells = new EnumMap<>(TaskType.class);
        for (TaskType t : TaskType.values()) {
            Map<Complexity, List<Candidate>> row = new EnumMap<>(Complexity.class);
            Map<String, List<TollgateConfig.AutoCandidate>> configured = auto.policy().getOrDefault(t.wireName(), Map.of());
            for (Complexity c : Complexity.values()) {
                List<TollgateConfig.AutoCandidate> list = configured.get(c.wireName());
                row.put(c, list == null ? base.candidates(t, c)
                        : list.stream().map(a -> new Candidate(a.model(), a.quality())).toList());
            }
            cells.put(t, row);
        }
        return new AutoPolicy(cells, auto.minQuality());
    }

    /**
     * The default rule. Models are ranked by output price, then input price (free models are the
     * cheapest); their capability {@code k} runs from 0 (cheapest price level) to 1 (priciest), and
     * models with the same prices share a level. Every cell lists every model, the task type does
     * not matter, and:
     * <ul>
     *   <li>simple: cheapest first, quality {@code 0.80 + 0.20 k};
     *   <li>medium: closest to the middle price level first (cheaper on ties), quality {@code 0.60 + 0.40 k};
     *   <li>complex: priciest first, quality {@code 0.40 + 0.60 k}.
     * </ul>
     * A single price level gets {@code k = 1}. {@code min_quality} is 0.
     */
    public static AutoPolicy defaultFor(List<TollgateConfig.Model> models) {
        List<TollgateConfig.Model> byPrice = new ArrayList<>(models);
        byPrice.sort(Comparator.comparing((TollgateConfig.Model m) -> m.price().output())
                .thenComparing(m -> m.price().input()));
        int[] level = new int[byPrice.size()];
        for (int i = 1; i < level.length; i++) {
            TollgateConfig.Price a = byPrice.get(i - 1).price();
            TollgateConfig.Price b = byPrice.get(i).price();
            boolean same = a.output().compareTo(b.output()) == 0 && a.input().compareTo(b.input()) == 0;
            level[i] = level[i - 1] + (same ? 0 : 1);
        }
        int top = level.length == 0 ? 0 : level[level.length - 1];
        double[] k = new double[byPrice.size()];
        for (int i = 0; i < k.length; i++) k[i] = top == 0 ? 1.0 : (double) level[i] / top;

        Map<Complexity, List<Candidate>> row = new EnumMap<>(Complexity.class);
        row.put(Complexity.SIMPLE, ranked(byPrice, k, 0.80, 0.20, i -> i));
        row.put(Complexity.MEDIUM, ranked(byPrice, k, 0.60, 0.40, i -> Math.abs(k[i] - 0.5) * 1000 + i));
        row.put(Complexity.COMPLEX, ranked(byPrice, k, 0.40, 0.60, i -> -i));
        Map<TaskType, Map<Complexity, List<Candidate>>> cells = new EnumMap<>(TaskType.class);
        for (TaskType t : TaskType.values()) cells.put(t, row);
        return new AutoPolicy(cells, 0.0);
    }

    private static List<Candidate> ranked(List<TollgateConfig.Model> byPrice, double[] k, double floor, double span,
                                          IntToDoubleFunction order) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < byPrice.size(); i++) idx.add(i);
        idx.sort(Comparator.comparingDouble(order::applyAsDouble));
        return idx.stream()
                .map(i -> new Candidate(byPrice.get(i).name(), Math.round((floor + span * k[i]) * 100) / 100.0))
                .toList();
    }

    /** The ranked candidates of one cell, best first. */
    public List<Candidate> candidates(TaskType task, Complexity complexity) {
        return cells.get(task).get(complexity);
    }

    public double minQuality() { return minQuality; }

    /**
     * The first candidate of the analysis' cell that is in {@code available} (public names the
     * gateway can serve right now) and scores at least {@code min_quality}.
     *
     * @throws NoAutoCandidateException when none qualifies
     */
    public AutoSelection select(Analysis analysis, Collection<String> available) {
        List<Candidate> ranked = candidates(analysis.taskType(), analysis.complexity());
        StringBuilder skipped = new StringBuilder();
        for (int i = 0; i < ranked.size(); i++) {
            Candidate c = ranked.get(i);
            String why = !available.contains(c.model()) ? "unavailable"
                    : c.quality() < minQuality ? "quality " + format(c.quality()) + " < " + format(minQuality) : null;
            if (why == null) {
                String reasoning = analysis.reasoning() + "; -> " + c.model() + " (rank " + (i + 1) + "/" + ranked.size()
                        + ", q " + format(c.quality()) + (skipped.isEmpty() ? "" : ", skipped " + skipped) + ")";
                return new AutoSelection(analysis, c.model(), c.quality(), PromptAnalyzer.ascii(reasoning, REASONING_CHARS_MAX));
            }
            if (!skipped.isEmpty()) skipped.append(", ");
            skipped.append(c.model()).append(": ").append(why);
        }
        throw new NoAutoCandidateException("no model for " + analysis.taskType().wireName() + "/"
                + analysis.complexity().wireName() + " is available with quality >= " + format(minQuality)
                + " (" + skipped + ")");
    }

    private static String format(double q) {
        return String.format(Locale.ROOT, "%.2f", q);
    }
}
