package dev.tollgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The same store behaviour on embedded SQLite and on PostgreSQL. */
class AccountsStoreTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> stores() {
        return Stream.of(
                Arguments.of("sqlite", (Supplier<Database>) () -> TestDatabases.sqlite(dir.resolve("s" + System.nanoTime()))),
                Arguments.of("postgres", (Supplier<Database>) TestDatabases::postgres));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void keysAuthenticateUntilRevoked(String name, Supplier<Database> store) {
        try (Database db = store.get()) {
            Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ofMinutes(5));
            Account a = accounts.create("acme", "pro");
            Accounts.CreatedKey k = accounts.createKey(a.id(), "main", 10, 1000);
            Principal p = accounts.authenticate(k.secret()).orElseThrow();
            assertThat(p.accountId()).isEqualTo(a.id());
            assertThat(p.plan()).isEqualTo("pro");
            assertThat(p.rpm()).isEqualTo(10);
            assertThat(accounts.authenticate(k.secret() + "x")).isEmpty();
            assertThat(accounts.revokeKey(k.id())).isTrue();
            assertThat(accounts.authenticate(k.secret())).as("revocation beats the 5 min cache").isEmpty();
            assertThat(accounts.revokeKey("key_missing")).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void onlyTheHashIsStored(String name, Supplier<Database> store) throws Exception {
        try (Database db = store.get()) {
            Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
            Account a = accounts.create("acme", null);
            String secret = accounts.createKey(a.id(), null, null, null).secret();
            List<String> stored = new ArrayList<>();
            try (Connection c = db.connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT key_hash, key_prefix FROM api_keys")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                    stored.add(rs.getString(2));
                }
            }
            assertThat(stored).contains(ApiKeys.hashHex(secret));
            assertThat(String.join(" ", stored)).doesNotContain(secret.substring(ApiKeys.PREFIX.length() + 6));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void accountsResolveByIdOrUniqueName(String name, Supplier<Database> store) {
        try (Database db = store.get()) {
            Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
            Account a = accounts.create("solo", null);
            Account twin = accounts.create("twin", null);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> accounts.create("twin", null))
                    .as("names are unique").isInstanceOf(AccountNameTakenException.class);
            assertThat(accounts.findByIdOrName(a.id())).contains(a);
            assertThat(accounts.findByIdOrName("solo")).contains(a);
            assertThat(accounts.findByIdOrName("twin")).contains(twin);
            assertThat(accounts.withKeys("acct_missing")).isEmpty();
        }
    }
}
