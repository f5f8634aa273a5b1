package dev.tollgate.routing.auto;

/** How capable a model the request needs: one quick step, some work, or deep multi-constraint work. */
public enum Complexity {
    SIMPLE, MEDIUM, COMPLEX;

    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** @throws IllegalArgumentException for a name that is not a complexity */
    public static Complexity fromWireName(String name) {
        for (Complexity c : values()) {
            if (c.wireName().equals(name)) return c;
        }
        throw new IllegalArgumentException("unknown complexity '" + name + "'");
    }
}
