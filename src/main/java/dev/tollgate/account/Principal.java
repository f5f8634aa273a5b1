package dev.tollgate.account;

import java.util.Set;

/**
 * Who is calling: the authenticated key and its account, with what the guard needs (docs/limits.md):
 * the account's plan name, the key's own limits and allowed models (null = every model), and the
 * account's overrides of its plan.
 */
public record Principal(String accountId, String keyId, String plan, LimitOverrides key, Set<String> keyModels,
                        LimitOverrides account) {

    /** A key with only rpm/tpm of its own and an account without overrides. */
    public Principal(String accountId, String keyId, String plan, Integer rpm, Integer tpm) {
        this(accountId, keyId, plan, new LimitOverrides(rpm, tpm, null, null), null, LimitOverrides.NONE);
    }

    /** The key's own requests per minute (null = not set). */
    public Integer rpm() { return key.rpm(); }

    /** The key's own tokens per minute (null = not set). */
    public Integer tpm() { return key.tpm(); }
}
