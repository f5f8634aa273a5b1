package dev.tollgate.account;

import java.util.List;

public record Account(String id, String name, String plan, long createdAtMs) {

    /** A key as listed to its owner or the admin: never the secret, never the hash. */
    public record KeyInfo(String id, String name, String prefix, Integer rpm, Integer tpm, long createdAtMs,
                          Long revokedAtMs) {}

    public record WithKeys(Account account, List<KeyInfo> keys) {}
}
