package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code conversations} and {@code images} sections: defaults, every key, and mistakes that name their key. */
class StateConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            providers: [ { name: m, type: mock } ]
            models: [ { name: a, provider: m, price: free } ]
            aliases: { cheap: [a] }
            """;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, BASE + yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    @Test
    void defaultsWhenAbsent() throws Exception {
        assertThat(load("").state()).isEqualTo(StateConfig.DEFAULTS);
        assertThat(StateConfig.DEFAULTS.conversations().titleModel()).as("titles off by default").isNull();
        assertThat(StateConfig.DEFAULTS.images().store()).isTrue();
    }

    @Test
    void everyKeyParses() throws Exception {
        StateConfig s = load("""
                conversations: { max_items: 50, history_items_max: 20, title_model: cheap, title_max_tokens: 12 }
                images: { store: false, max_image_bytes: 2048, max_bytes_per_account: 4096 }
                """).state();
        assertThat(s.conversations()).isEqualTo(new StateConfig.Conversations(50, 20, "cheap", 12));
        assertThat(s.images()).isEqualTo(new StateConfig.ImageHistory(false, 2048, 4096));
    }

    @Test
    void mistakesNameTheKey() {
        assertThatThrownBy(() -> load("conversations: { title_model: gpt-9 }\n"))
                .hasMessageContaining("conversations.title_model").hasMessageContaining("gpt-9");
        assertThatThrownBy(() -> load("conversations: { max_item: 3 }\n")).hasMessageContaining("conversations.max_item");
        assertThatThrownBy(() -> load("conversations: { history_items_max: 0 }\n"))
                .hasMessageContaining("conversations.history_items_max");
        assertThatThrownBy(() -> load("images: { store: maybe }\n")).hasMessageContaining("images.store");
        assertThatThrownBy(() -> load("images: { max_image_bytes: 4096, max_bytes_per_account: 2048 }\n"))
                .hasMessageContaining("images.max_bytes_per_account");
    }
}
