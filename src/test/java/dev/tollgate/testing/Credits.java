package dev.tollgate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Small helpers for asserting on money in tests. */
public final class Credits {
    private Credits() {}

    public static long micros(String credits) {
        return new java.math.BigDecimal(credits).movePointRight(6).longValueExact();
    }

    /** Polls a condition until it holds or the deadline passes; for effects that finish after a response. */
    public static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
