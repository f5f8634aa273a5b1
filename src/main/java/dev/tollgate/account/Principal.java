package dev.tollgate.account;

/** Who is calling: the authenticated key and its account, with the key's own limits (null = none). */
public record Principal(String accountId, String keyId, String plan, Integer rpm, Integer tpm) {}
