package dev.tollgate.api.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trimming rule alone: whole turns, oldest first, system messages never dropped, the request always kept. */
class HistoryTrimTest {
    static ObjectNode m(String role, String content) {
        return Json.object().put("role", role).put("content", content);
    }

    static List<String> contents(Iterable<JsonNode> messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(x -> out.add(x.path("content").asText()));
        return out;
    }

    static final List<JsonNode> HISTORY = List.of(m("system", "S0"), m("user", "u1"), m("assistant", "a1"),
            m("user", "u2"), m("assistant", "a2"), m("tool", "t2"), m("assistant", "a2b"), m("user", "u3"), m("assistant", "a3"));
    static final List<JsonNode> REQUEST = List.of(m("system", "S"), m("user", "now"));

    @Test
    void everythingFitsNothingIsDropped() {
        HistoryTrim.Result r = HistoryTrim.trim(REQUEST, HISTORY, messages -> true);
        assertThat(contents(r.messages())).containsExactly("S", "S0", "u1", "a1", "u2", "a2", "t2", "a2b", "u3", "a3", "now");
        assertThat(r.droppedMessages()).isZero();
    }

    @Test
    void wholeTurnsGoOldestFirstAndSystemMessagesStay() {
        // fits at most 6 messages: the system prompts, the last turn and the question
        HistoryTrim.Result r = HistoryTrim.trim(REQUEST, HISTORY, messages -> messages.size() <= 6);
        assertThat(contents(r.messages())).containsExactly("S", "S0", "u3", "a3", "now");
        assertThat(r.droppedMessages()).isEqualTo(6);
        // room for one more message is not room for the tool turn (four messages): it goes whole
        r = HistoryTrim.trim(REQUEST, HISTORY, messages -> messages.size() <= 8);
        assertThat(contents(r.messages())).containsExactly("S", "S0", "u3", "a3", "now");
        r = HistoryTrim.trim(REQUEST, HISTORY, messages -> messages.size() <= 9);
        assertThat(contents(r.messages())).containsExactly("S", "S0", "u2", "a2", "t2", "a2b", "u3", "a3", "now");
    }

    @Test
    void whenNothingFitsOnlyTheSystemPromptsAndTheRequestRemain() {
        HistoryTrim.Result r = HistoryTrim.trim(REQUEST, HISTORY, messages -> false);
        assertThat(contents(r.messages())).containsExactly("S", "S0", "now");
        assertThat(HistoryTrim.trim(REQUEST, List.of(), messages -> false).messages()).hasSize(2);
    }
}
