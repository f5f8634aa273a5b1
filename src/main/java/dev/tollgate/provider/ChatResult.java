package dev.tollgate.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.metering.Usage;

/** A complete (non-streamed) answer in OpenAI chat.completion format, and its usage if reported. */
public record ChatResult(ObjectNode body, Usage usage) {}
