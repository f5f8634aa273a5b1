package dev.tollgate.routing.auto;

/**
 * The analyser's verdict. {@code confidence} (0..1) says how clearly the task type won over the
 * runner-up; {@code reasoning} is short ASCII naming the deciding signals (safe for a header).
 */
public record Analysis(TaskType taskType, Complexity complexity, double confidence, String reasoning) {}
