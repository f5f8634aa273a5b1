package dev.tollgate.config;

/** A configuration problem: names the file, the key path and what is wrong. The server does not start. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String source, String path, String problem) {
        super(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }
}
