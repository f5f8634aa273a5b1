package dev.tollgate.state.presets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The presets table on both stores: slugs unique per account, visibility, optimistic version update. */
class SqlPresetStoreTest {
    @TempDir
    static Path dir;

    static Stream<String> stores() {
        return Stream.of("sqlite", "postgres");
    }

    static Preset preset(String account, String slug, boolean isPublic, int version) {
        ObjectNode params = Json.object().put("temperature", 0.25);
        return new Preset(account, slug, "Name é", "model-a", "Be \"brief\" 🙂", params, isPublic, version, 1000L, 2000L);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void presetsAreUniquePerAccountVisibleWhenPublicAndUpdatedOnlyAtTheExpectedVersion(String kind) {
        try (Database db = kind.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            PresetStore store = new SqlPresetStore(db);
            assertThat(store.create(preset("a", "terse", false, 1))).isTrue();
            assertThat(store.create(preset("a", "terse", false, 1))).as("same slug, same account").isFalse();
            assertThat(store.create(preset("b", "terse", true, 1))).as("same slug, another account").isTrue();
            assertThat(store.create(preset("b", "hidden", false, 1))).isTrue();

            Preset own = store.visible("a", "terse").orElseThrow();
            assertThat(own.accountId()).isEqualTo("a");
            assertThat(own.params()).isEqualTo(Json.object().put("temperature", 0.25));
            assertThat(own.systemPrompt()).isEqualTo("Be \"brief\" 🙂");
            assertThat(store.visible("c", "terse").orElseThrow().accountId()).as("b's public one").isEqualTo("b");
            assertThat(store.visible("a", "hidden")).isEmpty();
            assertThat(store.own("a", "hidden")).isEmpty();
            assertThat(store.list("c")).extracting(Preset::accountId).containsExactly("b");
            assertThat(store.count("b")).isEqualTo(2);

            assertThat(store.update(preset("a", "terse", true, 2), 1)).isTrue();
            assertThat(store.update(preset("a", "terse", true, 2), 1)).as("stale version").isFalse();
            assertThat(store.own("a", "terse").orElseThrow().version()).isEqualTo(2);
            assertThat(store.delete("c", "terse")).isFalse();
            assertThat(store.delete("a", "terse")).isTrue();
            assertThat(store.visible("a", "terse").orElseThrow().accountId()).isEqualTo("b");
        }
    }
}
