package dev.tollgate.routing.auto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of {@link PromptAnalyzer} on the hand-labelled sets in {@code src/test/resources/routing/}:
 * {@code labelled-prompts.jsonl} (the signals were tuned on it) and {@code holdout-prompts.jsonl}
 * (written afterwards, never tuned on). Prints both confusion matrices and
 * the misses; fails if accuracy drops below the floors (set a little under what it achieves).
 */
class LabelledPromptsTest {
    static final double TASK_ACCURACY_FLOOR = 0.95;
    static final double COMPLEXITY_ACCURACY_FLOOR = 0.76;
    static final double HOLDOUT_TASK_ACCURACY_FLOOR = 0.80;
    static final double HOLDOUT_COMPLEXITY_ACCURACY_FLOOR = 0.64;
    static final int PROMPTS_MIN = 120;

    private static final ObjectMapper JSON = new ObjectMapper();

    record Labelled(String prompt, String system, TaskType task, Complexity complexity) {
        JsonNode request() {
            ObjectNode body = JSON.createObjectNode().put("model", "auto");
            ArrayNode messages = body.putArray("messages");
            if (system != null) messages.addObject().put("role", "system").put("content", system);
            messages.addObject().put("role", "user").put("content", prompt);
            return body;
        }
    }

    static List<Labelled> set;
    static List<Labelled> holdout;

    @BeforeAll
    static void load() throws IOException {
        set = read("/routing/labelled-prompts.jsonl");
        holdout = read("/routing/holdout-prompts.jsonl");
    }

    static List<Labelled> read(String resource) throws IOException {
        List<Labelled> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                LabelledPromptsTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                out.add(new Labelled(n.get("prompt").asText(), n.has("system") ? n.get("system").asText() : null,
                        TaskType.fromWireName(n.get("task").asText()), Complexity.fromWireName(n.get("complexity").asText())));
            }
        }
        return out;
    }

    @Test
    void setIsLargeAndBalanced() {
        assertThat(set).hasSizeGreaterThanOrEqualTo(PROMPTS_MIN);
        for (TaskType t : TaskType.values()) {
            assertThat(set.stream().filter(l -> l.task() == t).count()).as(t.wireName()).isGreaterThanOrEqualTo(PROMPTS_MIN / 7);
        }
        for (Complexity c : Complexity.values()) {
            assertThat(set.stream().filter(l -> l.complexity() == c).count()).as(c.wireName()).isGreaterThanOrEqualTo(PROMPTS_MIN / 4);
        }
    }

    /** The set the signals were tuned on. */
    @Test
    void accuracyOnTheLabelledSetStaysAboveTheFloors() {
        double[] accuracy = evaluate("labelled set (tuned on)", set);
        assertThat(accuracy[0]).as("task accuracy").isGreaterThanOrEqualTo(TASK_ACCURACY_FLOOR);
        assertThat(accuracy[1]).as("complexity accuracy").isGreaterThanOrEqualTo(COMPLEXITY_ACCURACY_FLOOR);
    }

    /** Written after the tuning and never tuned on: the honest estimate for unseen prompts. */
    @Test
    void accuracyOnTheHoldoutSetStaysAboveTheFloors() {
        double[] accuracy = evaluate("holdout set (never tuned on)", holdout);
        assertThat(accuracy[0]).as("task accuracy").isGreaterThanOrEqualTo(HOLDOUT_TASK_ACCURACY_FLOOR);
        assertThat(accuracy[1]).as("complexity accuracy").isGreaterThanOrEqualTo(HOLDOUT_COMPLEXITY_ACCURACY_FLOOR);
    }

    /** Prints accuracy, both confusion matrices and the misses; returns {task accuracy, complexity accuracy}. */
    static double[] evaluate(String name, List<Labelled> prompts) {
        int[][] tasks = new int[TaskType.values().length][TaskType.values().length];
        int[][] complexities = new int[Complexity.values().length][Complexity.values().length];
        int taskHits = 0;
        int complexityHits = 0;
        StringBuilder misses = new StringBuilder();
        for (Labelled l : prompts) {
            Analysis a = PromptAnalyzer.analyze(l.request());
            tasks[l.task().ordinal()][a.taskType().ordinal()]++;
            complexities[l.complexity().ordinal()][a.complexity().ordinal()]++;
            if (a.taskType() == l.task()) taskHits++;
            if (a.complexity() == l.complexity()) complexityHits++;
            if (a.taskType() != l.task() || a.complexity() != l.complexity()) {
                misses.append(String.format(Locale.ROOT, "  %-13s %-7s -> %-13s %-7s | %s | %s%n",
                        l.task().wireName(), l.complexity().wireName(), a.taskType().wireName(), a.complexity().wireName(),
                        oneLine(l.prompt(), 60), a.reasoning()));
            }
        }
        double taskAccuracy = (double) taskHits / prompts.size();
        double complexityAccuracy = (double) complexityHits / prompts.size();
        System.out.printf(Locale.ROOT, "== %s: %d prompts%ntask accuracy: %.1f %% (%d/%d)%ncomplexity accuracy: %.1f %% (%d/%d)%n",
                name, prompts.size(), 100 * taskAccuracy, taskHits, prompts.size(),
                100 * complexityAccuracy, complexityHits, prompts.size());
        System.out.println(matrix("task (rows: label, columns: predicted)", TaskType.values(), tasks));
        System.out.println(matrix("complexity (rows: label, columns: predicted)", Complexity.values(), complexities));
        System.out.println("misses:\n" + misses);
        return new double[] {taskAccuracy, complexityAccuracy};
    }

    static String matrix(String title, Enum<?>[] labels, int[][] counts) {
        StringBuilder out = new StringBuilder(title).append('\n').append(String.format("%-14s", ""));
        for (Enum<?> l : labels) out.append(String.format("%8.7s", l.name().toLowerCase(Locale.ROOT)));
        out.append('\n');
        for (int r = 0; r < labels.length; r++) {
            out.append(String.format("%-14s", labels[r].name().toLowerCase(Locale.ROOT)));
            for (int c = 0; c < labels.length; c++) out.append(String.format("%8d", counts[r][c]));
            out.append('\n');
        }
        return out.toString();
    }

    private static String oneLine(String s, int max) {
        String flat = s.replace('\n', ' ');
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
