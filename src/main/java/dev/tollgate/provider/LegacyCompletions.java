package dev.tollgate.provider;

/**
 * Optional capability: an adapter whose provider serves the legacy {@code POST /completions} endpoint
 * (OpenAI-compatible servers: vLLM, Ollama, OpenAI's instruct models). When a call carries
 * {@link ChatCall#legacyBody()} such an adapter sends that body there and answers in chat format; for every
 * other adapter a {@code /v1/completions} request arrives as its chat translation.
 */
public interface LegacyCompletions {}
