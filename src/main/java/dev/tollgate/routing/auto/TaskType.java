package dev.tollgate.routing.auto;

/** What a chat request asks for, as {@link PromptAnalyzer} sees it. {@link #wireName()} is the header/config spelling. */
public enum TaskType {
    CODING, MATH, SUMMARIZATION, EXTRACTION, TRANSLATION, CREATIVE, GENERAL;

    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** @throws IllegalArgumentException for a name that is not a task type */
    public static TaskType fromWireName(String name) {
        for (TaskType t : values()) {
            if (t.wireName().equals(name)) return t;
        }
        throw new IllegalArgumentException("unknown task type '" + name + "'");
    }
}
