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
 * Accuracy of {@link PromptAnalyzer} on the hand-labelled set in
 * {@code src/test/resources/routing/labelled-prompts.jsonl}. Prints both confusion matrices and
 * the misses; fails if accuracy drops below the floors (set a little under what it achieves).
 */
class LabelledPromptsTest {
    static final double TASK_ACCURACY_FLOOR = 0.90;
    static final double COMPLEXITY_ACCURACY_FLOOR = 0.75;
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

    @BeforeAll
    static void load() throws IOException {
        set = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                LabelledPromptsTest.class.getResourceAsStream("/routing/labelled-prompts.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                set.add(new Labelled(n.get("prompt").asText(), n.has("system") ? n.get("system").asText() : null,
                        TaskType.fromWireName(n.get("task").asText()), Complexity.fromWireName(n.get("complexity").asText())));
            }
        }
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

    @Test
    void accuracyStaysAboveTheFloors() {
        int[][] tasks = new int[TaskType.values().length][TaskType.values().length];
        int[][] complexities = new int[Complexity.values().length][Complexity.values().length];
        int taskHits = 0;
        int complexityHits = 0;
        StringBuilder misses = new StringBuilder();
        for (Labelled l : set) {
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
        double taskAccuracy = (double) taskHits / set.size();
        double complexityAccuracy = (double) complexityHits / set.size();
        System.out.printf(Locale.ROOT, "labelled prompts: %d%ntask accuracy: %.1f %% (%d/%d)%ncomplexity accuracy: %.1f %% (%d/%d)%n",
                set.size(), 100 * taskAccuracy, taskHits, set.size(), 100 * complexityAccuracy, complexityHits, set.size());
        System.out.println(matrix("task (rows: label, columns: predicted)", TaskType.values(), tasks));
        System.out.println(matrix("complexity (rows: label, columns: predicted)", Complexity.values(), complexities));
        System.out.println("misses:\n" + misses);
        assertThat(taskAccuracy).as("task accuracy").isGreaterThanOrEqualTo(TASK_ACCURACY_FLOOR);
        assertThat(complexityAccuracy).as("complexity accuracy").isGreaterThanOrEqualTo(COMPLEXITY_ACCURACY_FLOOR);
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
