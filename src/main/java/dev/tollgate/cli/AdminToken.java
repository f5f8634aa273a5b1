package dev.tollgate.cli;

import dev.tollgate.account.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** The admin token: {@code TOLLGATE_ADMIN_TOKEN}, else one generated at first start under the data dir. */
final class AdminToken {
    private static final String FILE = "admin-token";

    private AdminToken() {}

    record Token(String value, boolean generated) {}

    static Token resolve(Map<String, String> env, Path dataDir) {
        String fromEnv = env.get("TOLLGATE_ADMIN_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) return new Token(fromEnv.trim(), false);
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) return new Token(Files.readString(file, StandardCharsets.UTF_8).trim(), false);
            Files.createDirectories(dataDir);
            String token = "tga-" + ApiKeys.newSecret().substring(ApiKeys.PREFIX.length());
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: the data dir's own permissions protect it
            }
            return new Token(token, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token file " + file, e);
        }
    }
}
