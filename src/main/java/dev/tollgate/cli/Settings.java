package dev.tollgate.cli;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a command's settings come from, strongest first: flag, environment
 * ({@code TOLLGATE_CONFIG}, {@code TOLLGATE_DATA}, {@code TOLLGATE_PORT}, {@code TOLLGATE_DB_URL}),
 * config file, built-in default. With no config at all the demo runs.
 */
public record Settings(TollgateConfig config, boolean demo, Path dataDir, String storeUrl) {

    public static Settings resolve(Path configFlag, Path dataFlag, Map<String, String> env) {
        Path configFile = configFlag != null ? configFlag : pathOrNull(env.get("TOLLGATE_CONFIG"));
        Path dataDir = dataFlag != null ? dataFlag : pathOrNull(env.get("TOLLGATE_DATA"));
        if (dataDir == null) dataDir = Path.of("data");
        ConfigLoader loader = new ConfigLoader(env);
        TollgateConfig config = configFile == null ? loader.loadDemo() : loader.load(configFile);
        String store = nonBlank(env.get("TOLLGATE_DB_URL"));
        if (store == null) store = config.store();
        if (store == null) store = "jdbc:sqlite:" + dataDir.resolve("tollgate.db");
        return new Settings(config, configFile == null, dataDir, store);
    }

    public static int port(Integer portFlag, Map<String, String> env) {
        if (portFlag != null) return portFlag;
        String p = nonBlank(env.get("TOLLGATE_PORT"));
        if (p == null) return 8080;
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TOLLGATE_PORT must be a port number, got '" + p + "'");
        }
    }

    private static Path pathOrNull(String s) {
        return nonBlank(s) == null ? null : Path.of(s);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
