package dev.tollgate.limits.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing (standardwebhooks.com): the signed content is
 * {@code "{webhook-id}.{webhook-timestamp}.{body}"}, the key is the base64 part of the
 * {@code whsec_…} secret, decoded, and the header value is {@code v1,} + base64(HMAC-SHA256).
 */
public final class WebhookSignature {
    public static final String SECRET_PREFIX = "whsec_";
    /** The spec's bounds on the decoded key. */
    private static final int KEY_BYTES_MIN = 24;
    private static final int KEY_BYTES_MAX = 64;

    private WebhookSignature() {}

    /**
     * The HMAC key of a {@code whsec_…} secret (the prefix is optional, as in the reference libraries).
     * Fails with a message that never contains the secret.
     */
    public static byte[] keyBytes(String secret) {
        String b64 = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be 'whsec_' followed by base64 (generate one with: "
                    + "echo whsec_$(openssl rand -base64 32))");
        }
        if (key.length < KEY_BYTES_MIN || key.length > KEY_BYTES_MAX) {
            throw new IllegalArgumentException("must decode to " + KEY_BYTES_MIN + " to " + KEY_BYTES_MAX
                    + " bytes, got " + key.length + " (generate one with: echo whsec_$(openssl rand -base64 32))");
        }
        return key;
    }

    /** The {@code webhook-signature} header value for one attempt. */
    public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
