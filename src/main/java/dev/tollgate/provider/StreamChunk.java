package dev.tollgate.provider;

import dev.tollgate.metering.Usage;

/**
 * One event of a streamed answer, as an OpenAI chat.completion.chunk. {@code json} is the exact bytes
 * to forward (adapters for other wire formats produce them); the parsed fields spare the gateway a
 * second parse.
 *
 * @param usage        the usage this chunk reports, or null
 * @param usageOnly    true for the trailing usage chunk (no choices) that only exists because
 *                     usage was requested
 * @param contentDelta the text this chunk adds (content and reasoning), "" when none; used to count
 *                     tokens when a provider reports no usage
 */
public record StreamChunk(byte[] json, Usage usage, boolean usageOnly, String contentDelta) {}
