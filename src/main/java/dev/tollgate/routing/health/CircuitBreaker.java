package dev.tollgate.routing.health;

import java.time.Clock;

/**
 * One deployment's circuit breaker. CLOSED lets every call through and counts consecutive retryable
 * failures; {@code failureThreshold} of them OPEN it. After {@code openMs} on the injected clock the
 * next {@link #tryAcquire} turns it HALF_OPEN and gets the single probe permit; while the probe is
 * out every other caller is refused. The probe's success closes the breaker, its failure reopens it
 * for another {@code openMs}. A non-retryable failure (the provider rejected the request itself) is
 * neutral: it proves the deployment answers, so it closes a half-open breaker but changes no count.
 *
 * <p>Every permit handed out is resolved exactly once ({@link Permit}); a permit abandoned without an
 * outcome (the attempt never reached the provider) gives the probe slot back.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long openMs;
    private final Clock clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAtMs;
    private boolean probeOut;

    public CircuitBreaker(int failureThreshold, long openMs, Clock clock) {
        if (failureThreshold < 1) throw new IllegalArgumentException("failureThreshold must be >= 1: " + failureThreshold);
        if (openMs < 1) throw new IllegalArgumentException("openMs must be >= 1: " + openMs);
        this.failureThreshold = failureThreshold;
        this.openMs = openMs;
        this.clock = clock;
    }

    /** A permit to call the deployment, or null when the breaker refuses (open, or a probe is out). */
    public synchronized Permit tryAcquire() {
        switch (state) {
            case CLOSED -> {
                return new Permit(false);
            }
            case OPEN -> {
                if (clock.millis() - openedAtMs < openMs) return null;
                state = State.HALF_OPEN;
                probeOut = true;
                return new Permit(true);
            }
            default -> { // HALF_OPEN
                if (probeOut) return null;
                probeOut = true;
                return new Permit(true);
            }
        }
    }

    /** The state as of now (an OPEN breaker whose time is up still reads OPEN until someone probes it). */
    public synchronized State state() { return state; }

    public synchronized int consecutiveFailures() { return consecutiveFailures; }

    /** When an OPEN breaker lets its probe through, in ms since the epoch; 0 unless OPEN. */
    public synchronized long probeAtMs() { return state == State.OPEN ? openedAtMs + openMs : 0; }

    private synchronized void succeeded(boolean probe) {
        if (probe) probeOut = false;
        if (state == State.OPEN && !probe) return; // a call admitted before it opened proves little
        state = State.CLOSED;
        consecutiveFailures = 0;
    }

    private synchronized void failed(boolean probe) {
        if (probe) probeOut = false;
        consecutiveFailures++;
        if (probe || (state == State.CLOSED && consecutiveFailures >= failureThreshold)) open();
    }

    private synchronized void neutral(boolean probe) {
        if (!probe) return;
        probeOut = false;
        state = State.CLOSED; // the deployment answered, if only to refuse this request
        consecutiveFailures = 0;
    }

    private synchronized void abandoned(boolean probe) {
        if (probe) probeOut = false; // nobody called: the next caller probes instead
    }

    private void open() {
        state = State.OPEN;
        openedAtMs = clock.millis();
    }

    /** The right to make one call; exactly one of its methods takes effect, later calls are no-ops. */
    public final class Permit {
        private final boolean probe;
        private boolean resolved;

        private Permit(boolean probe) {
            this.probe = probe;
        }

        public boolean probe() { return probe; }

        public void success() {
            if (resolve()) succeeded(probe);
        }

        /** A retryable failure: counts towards opening (or reopens a half-open breaker). */
        public void failure() {
            if (resolve()) failed(probe);
        }

        /** A non-retryable failure: the deployment is up but refused this request. */
        public void neutral() {
            if (resolve()) CircuitBreaker.this.neutral(probe);
        }

        /** No call was made after all. */
        public void abandon() {
            if (resolve()) abandoned(probe);
        }

        private boolean resolve() {
            synchronized (CircuitBreaker.this) {
                if (resolved) return false;
                resolved = true;
                return true;
            }
        }
    }
}
