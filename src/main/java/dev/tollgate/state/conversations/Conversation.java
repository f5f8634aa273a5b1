package dev.tollgate.state.conversations;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One conversation: whose it is, its caller-set {@code metadata} (at most 16 strings), its {@code title}
 * (null until set or generated) and how many items it holds.
 */
public record Conversation(String id, String accountId, String title, ObjectNode metadata, long itemCount,
                           long createdAtMs, long updatedAtMs) {}
