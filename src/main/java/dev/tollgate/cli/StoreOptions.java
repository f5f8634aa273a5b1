package dev.tollgate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --config and --data, shared by every command so the CLI and the server see the same store. */
final class StoreOptions {
    @Option(names = "--config", description = "Config YAML (default: $TOLLGATE_CONFIG, else the built-in demo).")
    Path config;

    @Option(names = "--data", description = "Data directory (default: $TOLLGATE_DATA or ./data).")
    Path data;

    Settings settings() {
        return Settings.resolve(config, data, System.getenv());
    }
}
