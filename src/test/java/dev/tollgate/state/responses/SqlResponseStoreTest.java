package dev.tollgate.state.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The responses table on both stores: saved JSON comes back equal, and only to its own account. */
class SqlResponseStoreTest {
    @TempDir
    static Path dir;

    static Stream<String> stores() {
        return Stream.of("sqlite", "postgres");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void savedResponsesComeBackOnlyToTheirAccountAndDeleteOnce(String kind) {
        try (Database db = kind.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            ResponseStore store = new SqlResponseStore(db);
            ArrayNode input = Json.NODES.arrayNode();
            input.addObject().put("type", "message").put("role", "user").putArray("content")
                    .addObject().put("type", "input_text").put("text", "héllo \"quoted\" 🙂");
            ObjectNode response = Json.object().put("id", "resp_1").put("object", "response");
            response.putArray("output").addObject().put("type", "function_call").put("call_id", "c1");
            store.save(new StoredResponse("resp_1", "acct-a", "resp_0", 1234L, input, response));

            StoredResponse found = store.find("acct-a", "resp_1").orElseThrow();
            assertThat(found.input()).isEqualTo(input);
            assertThat(found.response()).isEqualTo(response);
            assertThat(found.previousResponseId()).isEqualTo("resp_0");
            assertThat(found.createdAtMs()).isEqualTo(1234L);
            assertThat(store.find("acct-b", "resp_1")).as("another account's id").isEmpty();
            assertThat(store.delete("acct-b", "resp_1")).isFalse();
            assertThat(store.delete("acct-a", "resp_1")).isTrue();
            assertThat(store.delete("acct-a", "resp_1")).isFalse();
            assertThat(store.find("acct-a", "resp_1")).isEmpty();
        }
    }
}
