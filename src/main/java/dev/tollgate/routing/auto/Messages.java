package dev.tollgate.routing.auto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of {@code messages} the analyser reads: the last user message, the system (or
 * developer) prompt, and the user messages just before the last one. Bounded: only the first
 * {@link #SYSTEM_SCAN_MAX} messages are searched for a system prompt and the last
 * {@link #TAIL_SCAN_MAX} for user turns; multi-part content keeps its first characters only.
 */
final class Messages {
    static final int SYSTEM_SCAN_MAX = 4;
    static final int TAIL_SCAN_MAX = 64;
    private static final int JOINED_CHARS_MAX = PromptAnalyzer.HEAD_CHARS_MAX + PromptAnalyzer.TAIL_CHARS_MAX;

    final String lastUser;
    final String system;
    final List<String> history;
    final int userTurns;

    private Messages(String lastUser, String system, List<String> history, int userTurns) {
        this.lastUser = lastUser;
        this.system = system;
        this.history = history;
        this.userTurns = userTurns;
    }

    static Messages of(JsonNode messages) {
        if (messages == null || !messages.isArray()) return new Messages("", "", List.of(), 0);
        StringBuilder system = new StringBuilder();
        for (int i = 0; i < messages.size() && i < SYSTEM_SCAN_MAX; i++) {
            String role = messages.get(i).path("role").asText("");
            if ((role.equals("system") || role.equals("developer")) && system.length() < PromptAnalyzer.SYSTEM_CHARS_MAX) {
                if (!system.isEmpty()) system.append('\n');
                String t = text(messages.get(i).get("content"));
                system.append(t, 0, Math.min(t.length(), PromptAnalyzer.SYSTEM_CHARS_MAX - system.length()));
            }
        }
        String lastUser = null;
        List<String> history = new ArrayList<>(PromptAnalyzer.HISTORY_MESSAGES_MAX);
        int userTurns = 0;
        int stop = Math.max(0, messages.size() - TAIL_SCAN_MAX);
        for (int i = messages.size() - 1; i >= stop; i--) {
            JsonNode m = messages.get(i);
            if (!m.path("role").asText("").equals("user")) continue;
            userTurns++;
            if (lastUser == null) lastUser = text(m.get("content"));
            else if (history.size() < PromptAnalyzer.HISTORY_MESSAGES_MAX) history.add(text(m.get("content")));
        }
        return new Messages(lastUser == null ? "" : lastUser, system.toString(), history, userTurns);
    }

    /** A string content as is (no copy); text parts joined, at most {@link #JOINED_CHARS_MAX} characters. */
    static String text(JsonNode content) {
        if (content == null) return "";
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) return "";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < content.size() && i < PromptAnalyzer.PARTS_MAX && out.length() < JOINED_CHARS_MAX; i++) {
            JsonNode part = content.get(i);
            if (!part.path("type").asText("").equals("text")) continue;
            String t = part.path("text").asText("");
            if (!out.isEmpty()) out.append('\n');
            out.append(t, 0, Math.min(t.length(), JOINED_CHARS_MAX - out.length()));
        }
        return out.toString();
    }
}
