package dev.tollgate.state.conversations;

import dev.tollgate.state.Page;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The conversation tables on both stores: items in order, pages, concurrent appends, isolation, delete cascades. */
class SqlConversationStoreTest {
    @TempDir
    static Path dir;

    static Stream<String> stores() {
        return Stream.of("sqlite", "postgres");
    }

    static ObjectNode item(String id, String text) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("role", "user").put("status", "completed");
        item.putArray("content").addObject().put("type", "input_text").put("text", text);
        return item;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void itemsKeepTheirOrderAndBelongToTheirAccountOnly(String kind) throws Exception {
        try (Database db = kind.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            ConversationStore store = new SqlConversationStore(db);
            String id = "conv_" + kind;
            store.create(new Conversation(id, "acct-a", null, Json.object().put("topic", "x"), 2, 1000, 1000),
                    List.of(item("msg_1", "héllo 🙂"), item("msg_2", "two")));
            assertThat(store.append("acct-a", id, List.of(item("msg_3", "three")), 2000)).isTrue();
            assertThat(store.append("acct-b", id, List.of(item("msg_x", "not mine")), 2000)).as("another account").isFalse();

            assertThat(store.lastItems("acct-a", id, 10)).extracting(i -> i.path("id").asText())
                    .containsExactly("msg_1", "msg_2", "msg_3");
            assertThat(store.lastItems("acct-a", id, 2)).extracting(i -> i.path("id").asText()).containsExactly("msg_2", "msg_3");
            assertThat(store.lastItems("acct-b", id, 10)).isEmpty();
            assertThat(store.item("acct-a", id, "msg_1").orElseThrow()).isEqualTo(item("msg_1", "héllo 🙂"));
            assertThat(store.item("acct-b", id, "msg_1")).isEmpty();

            Page<ObjectNode> desc = store.items("acct-a", id, false, null, 2);
            assertThat(desc.data()).extracting(i -> i.path("id").asText()).containsExactly("msg_3", "msg_2");
            assertThat(desc.hasMore()).isTrue();
            Page<ObjectNode> rest = store.items("acct-a", id, false, "msg_2", 2);
            assertThat(rest.data()).extracting(i -> i.path("id").asText()).containsExactly("msg_1");
            assertThat(rest.hasMore()).isFalse();
            assertThat(store.items("acct-a", id, true, "msg_1", 5).data()).extracting(i -> i.path("id").asText())
                    .containsExactly("msg_2", "msg_3");

            assertThat(store.deleteItem("acct-b", id, "msg_2", 3000)).isFalse();
            assertThat(store.deleteItem("acct-a", id, "msg_2", 3000)).isTrue();
            assertThat(store.deleteItem("acct-a", id, "msg_2", 3000)).isFalse();
            Conversation c = store.find("acct-a", id).orElseThrow();
            assertThat(c.itemCount()).isEqualTo(2);
            assertThat(c.metadata().path("topic").asText()).isEqualTo("x");
            assertThat(store.find("acct-b", id)).isEmpty();

            assertThat(store.titleIfUnset("acct-a", id, "Auto", 4000)).isTrue();
            assertThat(store.titleIfUnset("acct-a", id, "Again", 4000)).as("never overwrites").isFalse();
            assertThat(store.update("acct-b", id, null, "Hijack", 4000)).isFalse();
            assertThat(store.update("acct-a", id, null, "Mine", 4000)).isTrue();
            assertThat(store.find("acct-a", id).orElseThrow().title()).isEqualTo("Mine");

            assertThat(store.delete("acct-b", id)).isFalse();
            assertThat(store.delete("acct-a", id)).isTrue();
            assertThat(store.find("acct-a", id)).isEmpty();
            try (var conn = db.connection(); var ps = conn.prepareStatement(
                    "SELECT COUNT(*) FROM conversation_items WHERE conversation_id = ?")) {
                ps.setString(1, id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("items deleted with their conversation").isZero();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void concurrentAppendsNeverShareAPosition(String kind) throws Exception {
        try (Database db = kind.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres();
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ConversationStore store = new SqlConversationStore(db);
            String id = "conv_race_" + kind;
            store.create(new Conversation(id, "acct-a", null, Json.object(), 0, 1, 1), List.of());
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                done.add(pool.submit(() -> store.append("acct-a", id, List.of(item("a" + n, "q"), item("b" + n, "a")), 5)));
            }
            for (Future<Boolean> f : done) assertThat(f.get()).isTrue();
            List<ObjectNode> items = store.lastItems("acct-a", id, 100);
            assertThat(items).hasSize(16);
            for (int i = 0; i < 16; i += 2) { // each append's two items stay adjacent
                String a = items.get(i).path("id").asText();
                assertThat(items.get(i + 1).path("id").asText()).isEqualTo("b" + a.substring(1));
            }
            assertThat(store.find("acct-a", id).orElseThrow().itemCount()).isEqualTo(16);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void conversationsAreListedNewestFirstInPages(String kind) {
        try (Database db = kind.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            ConversationStore store = new SqlConversationStore(db);
            String account = "acct-list-" + kind + System.nanoTime();
            for (int i = 0; i < 5; i++) {
                store.create(new Conversation("conv_l" + i, account, null, Json.object(), 0, 100 + i, 100 + i), List.of());
            }
            store.create(new Conversation("conv_other", account + "-b", null, Json.object(), 0, 200, 200), List.of());
            Page<Conversation> first = store.list(account, null, 2);
            assertThat(first.data()).extracting(Conversation::id).containsExactly("conv_l4", "conv_l3");
            assertThat(first.hasMore()).isTrue();
            Page<Conversation> last = store.list(account, "conv_l1", 5);
            assertThat(last.data()).extracting(Conversation::id).containsExactly("conv_l0");
            assertThat(last.hasMore()).isFalse();
            assertThat(store.list(account, "conv_other", 5).data()).as("a cursor of another account").isEmpty();
        }
    }
}
