package dev.tollgate.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a config value from the environment. */
final class EnvSubstitution {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {}

    /** @throws IllegalArgumentException naming the variable when it is unset and has no default */
    static String apply(String value, Map<String, String> env) {
        if (value.indexOf("${") < 0) return value;
        Matcher m = VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = env.get(name);
            if (replacement == null || (replacement.isEmpty() && m.group(2) != null)) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + name + " is not set"
                            + " (use ${" + name + ":-default} to give a default)");
                }
                replacement = m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
