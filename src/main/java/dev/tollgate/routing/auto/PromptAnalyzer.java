package dev.tollgate.routing.auto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Classifies a chat-completions request (OpenAI format) into a {@link TaskType} and a
 * {@link Complexity} from transparent weighted signals — keywords and phrases, code and math
 * structure, {@code response_format}, tools, length, constraints, questions — without calling a
 * model. Work is bounded: at most {@link #HEAD_CHARS_MAX} + {@link #TAIL_CHARS_MAX} characters of
 * the last user message, {@link #SYSTEM_CHARS_MAX} of the system prompt and
 * {@link #HISTORY_CHARS_MAX} of each of the {@link #HISTORY_MESSAGES_MAX} user messages before it
 * are read, whatever the request's size. Stateless and thread-safe. See docs/routing.md.
 */
public final class PromptAnalyzer {
    static final int HEAD_CHARS_MAX = 4 * 1024;
    static final int TAIL_CHARS_MAX = 1024;
    static final int SYSTEM_CHARS_MAX = 2 * 1024;
    static final int HISTORY_CHARS_MAX = 1024;
    static final int HISTORY_MESSAGES_MAX = 2;
    static final int PARTS_MAX = 16;
    static final int REASONING_CHARS_MAX = 160;

    static final float GENERAL_BASELINE = 1.5f;
    static final float SYSTEM_WEIGHT = 0.6f;
    static final float HISTORY_WEIGHT = 0.3f;
    static final float SIMPLE_BELOW = 1.0f;
    static final float COMPLEX_FROM = 3.5f;
    static final float MATERIAL_STRUCTURE_FACTOR = 0.3f;

    private PromptAnalyzer() {}

    /** Never throws on odd input: a request without text is general/simple with low confidence. */
    public static Analysis analyze(JsonNode request) {
        Signals s = new Signals();
        TextScan scan = new TextScan(s);
        Messages m = Messages.of(request == null ? null : request.get("messages"));

        String user = m.lastUser;
        Layout layout = Layout.of(user);
        if (user.length() <= HEAD_CHARS_MAX + TAIL_CHARS_MAX) {
            scan.scan(user, 0, user.length(), layout, 1f, true);
        } else {
            scan.scan(user, 0, HEAD_CHARS_MAX, layout, 1f, true);
            scan.scan(user, user.length() - TAIL_CHARS_MAX, user.length(), layout, 1f, true);
        }
        if (!m.system.isEmpty()) {
            scan.scan(m.system, 0, Math.min(m.system.length(), SYSTEM_CHARS_MAX), Layout.UNIFORM, SYSTEM_WEIGHT, false);
        }
        for (String h : m.history) {
            scan.scan(h, 0, Math.min(h.length(), HISTORY_CHARS_MAX), Layout.UNIFORM, HISTORY_WEIGHT, false);
        }
        structureSignals(scan, s);
        requestSignals(request, s);
        lengthSignals(m, scan, s);
        return verdict(s, user.length());
    }

    private static void structureSignals(TextScan t, Signals s) {
        // "translate this Python to Rust" is a coding job: a translate verb naming only programming languages
        float translation = s.task[TaskType.TRANSLATION.ordinal()];
        boolean codeTranslation = translation > 0 && t.programmingLanguages > 0 && t.naturalLanguages == 0;
        if (codeTranslation) {
            s.task(TaskType.CODING, 0.8f * translation, "translate between programming languages");
            s.task[TaskType.TRANSLATION.ordinal()] = 0.2f * translation;
        }
        // "summarize / translate / extract from this code (or these figures)": the code and the numbers
        // are material, the verb decides
        boolean material = !codeTranslation && materialVerb(t);
        float code = material ? MATERIAL_STRUCTURE_FACTOR : 1f;
        if (t.fences > 0) s.task(TaskType.CODING, 2.5f * code, "code fence");
        int codeTokens = t.callLike + t.semicolons + t.braces / 2 + t.codeOps + t.identifiers;
        if (codeTokens > 0) s.task(TaskType.CODING, Math.min(3.5f, 0.5f + 0.5f * codeTokens) * code, "code-like tokens");
        if (t.backticks >= 2) s.task(TaskType.CODING, Math.min(1f, 0.25f * t.backticks) * code, "inline code");
        float mathFactor = material ? MATERIAL_STRUCTURE_FACTOR : 1f;
        float math = (t.mathOps > 0 ? 0.7f + 0.8f * t.mathOps : 0) + t.mathSymbols + (t.latex >= 2 ? 0.5f * t.latex : 0);
        if (math > 0) s.task(TaskType.MATH, Math.min(3.5f, math) * mathFactor, "math symbols");
        if (t.numbers >= 2 && t.fences == 0) {
            s.task(TaskType.MATH, Math.min(1.5f, 0.25f * t.numbers) * mathFactor, t.numbers + " numbers");
        }
        if (t.cjkTranslate > 0) s.task(TaskType.TRANSLATION, 4f, "translate verb (CJK)");
        if (t.nonLatin >= 12 && t.latin >= 12) s.task(TaskType.TRANSLATION, 1.5f, "mixed scripts");
    }

    /** The instruction's strongest verb asks to summarize, translate or extract (and no coding verb is as strong). */
    private static boolean materialVerb(TextScan t) {
        float coding = t.instructionVerb[TaskType.CODING.ordinal()];
        for (TaskType task : new TaskType[] {TaskType.SUMMARIZATION, TaskType.TRANSLATION, TaskType.EXTRACTION}) {
            if (t.instructionVerb[task.ordinal()] > coding) return true;
        }
        return false;
    }

    private static void requestSignals(JsonNode request, Signals s) {
        if (request == null) return;
        JsonNode format = request.get("response_format");
        if (format != null && format.isObject()) {
            String type = format.path("type").asText("");
            if (type.equals("json_schema")) {
                s.task(TaskType.EXTRACTION, 4f, "response_format json_schema");
                int fields = format.path("json_schema").path("schema").path("properties").size();
                s.complexity(fields > 6 ? 1f : 0.5f, "schema with " + fields + " fields");
            } else if (type.equals("json_object")) {
                s.task(TaskType.EXTRACTION, 3f, "response_format json_object");
            }
        }
        JsonNode tools = request.get("tools");
        int toolCount = tools != null && tools.isArray() ? tools.size() : 0;
        if (toolCount > 0) s.complexity(toolCount > 3 ? 1.5f : 1f, toolCount + " tools");
        JsonNode choice = request.get("tool_choice");
        if (toolCount > 0 && choice != null && (choice.isObject() || choice.asText("").equals("required"))) {
            s.task(TaskType.EXTRACTION, 2.5f, "forced tool call");
        }
    }

    private static void lengthSignals(Messages m, TextScan t, Signals s) {
        int length = m.lastUser.length();
        if (length >= 3000) s.complexity(3.5f, size(length));
        else if (length >= 1200) s.complexity(2.75f, size(length));
        else if (length >= 500) s.complexity(2f, size(length));
        else if (length >= 200) s.complexity(1.25f, size(length));
        else if (length >= 80) s.complexity(0.75f, size(length));
        if (t.clauses > 2) s.complexity(Math.min(2f, 0.3f * (t.clauses - 2)), t.clauses + " clauses");
        if (t.codeLines > 60) s.complexity(1.5f, t.codeLines + " code lines");
        else if (t.codeLines > 15) s.complexity(0.75f, t.codeLines + " code lines");
        int constraints = t.constraints + t.listItems;
        if (constraints > 0) s.complexity(Math.min(2.5f, 0.5f * constraints), constraints + " constraints");
        if (t.questions >= 2) s.complexity(Math.min(1.5f, 0.5f * (t.questions - 1)), t.questions + " questions");
        if (m.system.length() > 1500) s.complexity(0.5f, "long system prompt");
        if (m.userTurns > 3) s.complexity(0.5f, m.userTurns + " user turns");
    }

    private static String size(int chars) {
        if (chars < 1000) return chars + " chars";
        return String.format(Locale.ROOT, "%.1fk chars", chars / 1000.0);
    }

    private static Analysis verdict(Signals s, int userLength) {
        s.task[TaskType.GENERAL.ordinal()] += GENERAL_BASELINE;
        int best = TaskType.GENERAL.ordinal();
        for (int t = 0; t < Lexicon.TASKS; t++) {
            if (s.task[t] > s.task[best]) best = t;
        }
        float runnerUp = 0;
        for (int t = 0; t < Lexicon.TASKS; t++) {
            if (t != best) runnerUp = Math.max(runnerUp, s.task[t]);
        }
        TaskType task = TaskType.values()[best];
        Complexity complexity = s.complexity < SIMPLE_BELOW ? Complexity.SIMPLE
                : s.complexity < COMPLEX_FROM ? Complexity.MEDIUM : Complexity.COMPLEX;
        // margin 0 -> 0.3, margin 2 -> ~0.74, margin 6 -> ~0.96
        double margin = s.task[best] - runnerUp;
        double confidence = Math.round((0.3 + 0.69 * (1 - Math.exp(-margin / 2))) * 100) / 100.0;
        return new Analysis(task, complexity, confidence, reasoning(s, task, complexity, userLength));
    }

    private static String reasoning(Signals s, TaskType task, Complexity complexity, int userLength) {
        String why = s.taskReasons(task);
        if (why.isEmpty()) why = "no strong signal";
        String how = s.complexityReasons();
        if (how.isEmpty()) how = size(userLength);
        String text = task.wireName() + ": " + why + "; " + complexity.wireName() + ": " + how;
        return ascii(text, REASONING_CHARS_MAX);
    }

    /** Header-safe: printable ASCII only, bounded length. */
    static String ascii(String text, int charsMax) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), charsMax));
        for (int i = 0; i < text.length() && out.length() < charsMax; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
