package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.json.Json;
import dev.tollgate.state.responses.ResponseStore;
import dev.tollgate.state.responses.StoredResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** How a previous_response_id chain is rebuilt: order, account, deleted links, the depth bound. */
class HistoryTest {
    /** The store contract in memory, keyed by account and id. */
    static final class MemoryStore implements ResponseStore {
        final Map<String, StoredResponse> rows = new ConcurrentHashMap<>();

        @Override
        public void save(StoredResponse r) { rows.put(r.accountId() + "/" + r.id(), r); }

        @Override
        public Optional<StoredResponse> find(String accountId, String id) { return Optional.ofNullable(rows.get(accountId + "/" + id)); }

        @Override
        public boolean delete(String accountId, String id) { return rows.remove(accountId + "/" + id) != null; }
    }

    final MemoryStore store = new MemoryStore();

    /** Saves turn {@code n} of a chain: its input says "in n", its output "out n". */
    void turn(String account, int n) {
        ArrayNode input = Json.NODES.arrayNode().add(Json.object().put("type", "message").put("text", "in " + n));
        ObjectNode response = Json.object();
        response.putArray("output").addObject().put("type", "message").put("text", "out " + n);
        store.save(new StoredResponse("resp_" + n, account, n == 0 ? null : "resp_" + (n - 1), n, input, response));
    }

    static List<String> texts(List<JsonNode> items) {
        return items.stream().map(i -> i.path("text").asText()).toList();
    }

    @Test
    void theChainIsRebuiltOldestFirstInputThenOutput() {
        for (int n = 0; n < 3; n++) turn("a", n);
        assertThat(texts(History.items(store, "a", "resp_2"))).containsExactly("in 0", "out 0", "in 1", "out 1", "in 2", "out 2");
    }

    @Test
    void anotherAccountsIdIsNotFound() {
        turn("a", 0);
        assertThatThrownBy(() -> History.items(store, "b", "resp_0")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.param()).isEqualTo("previous_response_id");
        });
    }

    @Test
    void aDeletedLinkStartsTheConversationAfterIt() {
        for (int n = 0; n < 3; n++) turn("a", n);
        store.delete("a", "resp_1");
        assertThat(texts(History.items(store, "a", "resp_2"))).containsExactly("in 2", "out 2");
    }

    @Test
    void aChainLongerThanTheBoundIsRefused() {
        for (int n = 0; n <= History.DEPTH_MAX; n++) turn("a", n);
        assertThat(History.items(store, "a", "resp_" + (History.DEPTH_MAX - 1))).hasSize(2 * History.DEPTH_MAX);
        assertThatThrownBy(() -> History.items(store, "a", "resp_" + History.DEPTH_MAX))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("previous_response_id"));
    }
}
