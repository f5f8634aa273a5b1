package dev.tollgate.cli;

/** The account the demo creates at first start. */
final class DemoAccount {
    static final String NAME = "demo";
    /** 1,000 credits: $1 at the demo's usd_per_credit of 0.001, thousands of mock requests. */
    static final long CREDITS_MICROS = 1_000_000_000L;

    private DemoAccount() {}
}
