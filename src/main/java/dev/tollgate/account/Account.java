package dev.tollgate.account;

import java.util.List;
import java.util.Set;

/** An account; {@code limits}: its overrides of the plan (docs/limits.md). */
public record Account(String id, String name, String plan, long createdAtMs, LimitOverrides limits) {

    public Account(String id, String name, String plan, long createdAtMs) {
        this(id, name, plan, createdAtMs, LimitOverrides.NONE);
    }

    /** A key as listed to its owner or the admin: never the secret, never the hash. {@code models}: null = all. */
    public record KeyInfo(String id, String name, String prefix, LimitOverrides limits, Set<String> models,
                          long createdAtMs, Long revokedAtMs) {
        public Integer rpm() { return limits.rpm(); }

        public Integer tpm() { return limits.tpm(); }
    }

    public record WithKeys(Account account, List<KeyInfo> keys) {}
}
