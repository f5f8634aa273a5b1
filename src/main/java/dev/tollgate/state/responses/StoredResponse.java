package dev.tollgate.state.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stored Responses API answer: whose it is, what it continued, the request's own input items
 * (history from {@code previous_response_id} is not repeated) and the response object as answered.
 */
public record StoredResponse(String id, String accountId, String previousResponseId, long createdAtMs,
                             ArrayNode input, ObjectNode response) {}
