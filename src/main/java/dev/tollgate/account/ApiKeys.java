package dev.tollgate.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key secrets: {@code tg-} + 43 URL-safe characters (256 random bits), recognisable by secret
 * scanners. Only the SHA-256 is stored: with 256 bits of entropy a slow hash adds nothing.
 */
public final class ApiKeys {
    public static final String PREFIX = "tg-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int MIN_SECRET_CHARS = 32;

    private ApiKeys() {}

    public static String newSecret() {
        return PREFIX + B64.encodeToString(randomBytes(32));
    }

    /** A random, URL-safe identifier such as {@code acct_3kX9...}; not secret. */
    public static String newId(String kind) {
        return kind + "_" + B64.encodeToString(randomBytes(12));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Cheap shape check so garbage never reaches the store. */
    public static boolean looksLikeKey(String s) {
        if (s == null || !s.startsWith(PREFIX) || s.length() < PREFIX.length() + MIN_SECRET_CHARS || s.length() > 256) {
            return false;
        }
        for (int i = PREFIX.length(); i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
        return true;
    }

    public static byte[] sha256(String secret) {
        try {
            // a clone of one instance: getInstance searches the security providers on every call (every request)
            return ((MessageDigest) SHA256.clone()).digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static final MessageDigest SHA256 = sha256Instance();

    private static MessageDigest sha256Instance() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always present", e);
        }
    }

    public static String hashHex(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /** Shown in listings instead of the secret: enough to recognise a key, useless to an attacker. */
    public static String displayPrefix(String secret) {
        return secret.substring(0, PREFIX.length() + 6) + "…";
    }

    /** Constant-time comparison of two hex hashes. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
