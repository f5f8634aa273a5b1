package dev.tollgate.limits.stop;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The active stops at one moment, indexed for the request path: a lookup is a field read and at
 * most three hash lookups, no I/O. Immutable; replaced whole when the stops change.
 */
public final class StopSnapshot {
    static final StopSnapshot EMPTY = new StopSnapshot(List.of(), -1);

    private final List<Stop> active;
    private final long changeCount;
    private final Stop global;
    private final Map<String, Stop> byProvider = new HashMap<>();
    private final Map<String, Stop> byAccount = new HashMap<>();
    private final Map<String, Stop> byKey = new HashMap<>();

    /** {@code active} oldest first: when two stops cover one subject, the older one is reported. */
    StopSnapshot(List<Stop> active, long changeCount) {
        this.active = List.copyOf(active);
        this.changeCount = changeCount;
        Stop firstGlobal = null;
        for (Stop s : this.active) {
            switch (s.scope()) {
                case GLOBAL -> { if (firstGlobal == null) firstGlobal = s; }
                case PROVIDER -> byProvider.putIfAbsent(s.subject(), s);
                case ACCOUNT -> byAccount.putIfAbsent(s.subject(), s);
                case KEY -> byKey.putIfAbsent(s.subject(), s);
            }
        }
        this.global = firstGlobal;
    }

    /** The stop that halts every call of this caller (global, its account, or its key), or null. */
    public Stop forCaller(String accountId, String keyId) {
        if (global != null) return global;
        if (active.isEmpty()) return null;
        Stop s = byAccount.get(accountId);
        return s != null ? s : byKey.get(keyId);
    }

    /** The stop that takes this provider's deployments out of routing, or null. */
    public Stop forProvider(String provider) {
        return byProvider.isEmpty() ? null : byProvider.get(provider);
    }

    /** The stop that halts a call by this caller to this provider, or null. */
    public Stop forCall(String accountId, String keyId, String provider) {
        Stop s = forCaller(accountId, keyId);
        return s != null ? s : forProvider(provider);
    }

    public List<Stop> active() { return active; }

    long changeCount() { return changeCount; }
}
