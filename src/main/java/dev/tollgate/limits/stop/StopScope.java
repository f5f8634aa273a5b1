package dev.tollgate.limits.stop;

import java.util.Locale;

/** What an emergency stop halts: everything, one provider's deployments, one account, or one API key. */
public enum StopScope {
    GLOBAL, PROVIDER, ACCOUNT, KEY;

    /** The name on the wire and in the store: {@code global}, {@code provider}, {@code account}, {@code key}. */
    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** The scope named {@code text}, or null when it names none. */
    public static StopScope parse(String text) {
        if (text == null) return null;
        for (StopScope s : values()) {
            if (s.wire().equals(text)) return s;
        }
        return null;
    }
}
