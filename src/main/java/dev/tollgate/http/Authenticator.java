package dev.tollgate.http;

import dev.tollgate.account.Accounts;
import dev.tollgate.account.ApiKeys;
import dev.tollgate.account.Principal;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.security.MessageDigest;
import java.util.Optional;

/** Who is calling: an API key ({@code Authorization: Bearer} or {@code x-api-key}) or the admin token. */
public final class Authenticator {
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private final Accounts accounts;
    private final byte[] adminTokenHash;

    public Authenticator(Accounts accounts, String adminToken) {
        this.accounts = accounts;
        this.adminTokenHash = ApiKeys.sha256(adminToken);
    }

    public Principal apiKey(ServerRequest req) {
        String presented = presented(req).orElseThrow(() -> ApiException.unauthenticated(
                "Missing API key: send it as 'Authorization: Bearer tg-...' or 'x-api-key: tg-...'"));
        Principal p = accounts.authenticate(presented).orElseThrow(() -> ApiException.unauthenticated(
                "Invalid or revoked API key"));
        dev.tollgate.usage.UsageFacts.current().caller(p.accountId(), p.keyId());
        return p;
    }

    public void admin(ServerRequest req) {
        String presented = presented(req).orElseThrow(() -> ApiException.unauthenticated(
                "Missing admin token: send it as 'Authorization: Bearer <TOLLGATE_ADMIN_TOKEN>'"));
        // compare hashes so the comparison is constant-time and length-independent
        if (!MessageDigest.isEqual(adminTokenHash, ApiKeys.sha256(presented))) {
            throw ApiException.unauthenticated("Invalid admin token");
        }
    }

    private static Optional<String> presented(ServerRequest req) {
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent()) {
            String v = auth.get().trim();
            if (v.regionMatches(true, 0, "Bearer ", 0, 7)) v = v.substring(7).trim();
            if (!v.isEmpty()) return Optional.of(v);
        }
        return req.headers().first(X_API_KEY).map(String::trim).filter(s -> !s.isEmpty());
    }
}
