package dev.tollgate.api;

/**
 * Thrown out of a stream's chunk sink when the client went away: it unwinds the provider's read loop, whose
 * try-with-resources closes the upstream connection at once, so the provider stops generating text nobody
 * will read. The pipeline bills what reached the client and answers nothing more.
 */
final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
        super("the client closed the connection", null, false, false);
    }
}
