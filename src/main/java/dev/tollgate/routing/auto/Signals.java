package dev.tollgate.routing.auto;

/**
 * Score sheet of one analysis: points per task type and for complexity, plus the two biggest
 * contributions of each, with labels, so the verdict can say why.
 */
final class Signals {
    private static final int KEPT = 2;
    /** Pasted material may tip a close call but never outvote the instruction: its points per task are capped. */
    static final float MATERIAL_POINTS_MAX = 2.5f;

    final float[] task = new float[Lexicon.TASKS];
    private final float[] material = new float[Lexicon.TASKS];
    float complexity;
    private final String[] taskLabel = new String[Lexicon.TASKS * KEPT];
    private final float[] taskWeight = new float[Lexicon.TASKS * KEPT];
    private final String[] complexityLabel = new String[KEPT];
    private final float[] complexityWeight = new float[KEPT];

    void task(TaskType t, float points, String label) {
        if (points <= 0) return;
        int base = t.ordinal() * KEPT;
        task[t.ordinal()] += points;
        keep(taskLabel, taskWeight, base, points, label);
    }

    /** Points from words in pasted material, capped per task at {@link #MATERIAL_POINTS_MAX}. */
    void materialTask(TaskType t, float points, String label) {
        float room = MATERIAL_POINTS_MAX - material[t.ordinal()];
        float granted = Math.min(points, room);
        if (granted <= 0) return;
        material[t.ordinal()] += granted;
        task(t, granted, label);
    }

    void complexity(float points, String label) {
        complexity += points;
        if (points > 0) keep(complexityLabel, complexityWeight, 0, points, label);
    }

    /** Keeps the {@code KEPT} largest contributions; a label already kept only grows. */
    private static void keep(String[] labels, float[] weights, int base, float points, String label) {
        for (int i = base; i < base + KEPT; i++) {
            if (label.equals(labels[i])) {
                weights[i] += points;
                return;
            }
        }
        int smallest = base;
        for (int i = base + 1; i < base + KEPT; i++) {
            if (weights[i] < weights[smallest]) smallest = i;
        }
        if (labels[smallest] == null || weights[smallest] < points) {
            labels[smallest] = label;
            weights[smallest] = points;
        }
    }

    /** The kept labels for a task type, strongest first, joined with "; ". */
    String taskReasons(TaskType t) {
        return join(taskLabel, taskWeight, t.ordinal() * KEPT);
    }

    String complexityReasons() {
        return join(complexityLabel, complexityWeight, 0);
    }

    private static String join(String[] labels, float[] weights, int base) {
        int a = base, b = base + 1;
        if (weights[b] > weights[a]) {
            a = base + 1;
            b = base;
        }
        if (labels[a] == null) return "";
        return labels[b] == null ? labels[a] : labels[a] + "; " + labels[b];
    }
}
