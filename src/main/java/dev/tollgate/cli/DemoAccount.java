package dev.tollgate.cli;

/** The account the demo creates at first start. */
final class DemoAccount {
    static final String NAME = "demo";

    private DemoAccount() {}
}
