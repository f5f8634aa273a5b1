package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Where a preset's params and system prompt go in each wire format; request fields always win. */
class PresetWireTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void messagesRenamesWhatAnthropicHasAndLeavesOutTheRest() throws Exception {
        ObjectNode body = obj("{\"temperature\":0.9,\"system\":[{\"type\":\"text\",\"text\":\"own\"}]}");
        ObjectNode params = obj("{\"temperature\":0.1,\"max_completion_tokens\":40,\"stop\":\"END\",\"user\":\"u-1\","
                + "\"seed\":7,\"response_format\":{\"type\":\"json_object\"}}");
        params.fields().forEachRemaining(p -> PresetWire.MESSAGES.param(body, p.getKey(), p.getValue()));
        PresetWire.MESSAGES.systemPrompt(body, "preset");
        assertThat(body).isEqualTo(obj("{\"temperature\":0.9,\"system\":[{\"type\":\"text\",\"text\":\"preset\"},"
                + "{\"type\":\"text\",\"text\":\"own\"}],\"max_tokens\":40,\"stop_sequences\":[\"END\"],"
                + "\"metadata\":{\"user_id\":\"u-1\"}}"));

        ObjectNode plain = obj("{\"system\":\"own\"}");
        PresetWire.MESSAGES.systemPrompt(plain, "preset");
        assertThat(plain.path("system").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"preset\"},{\"type\":\"text\",\"text\":\"own\"}]");
    }

    @Test
    void responsesReshapesFormatsAndTools() throws Exception {
        ObjectNode body = obj("{\"input\":\"hi\",\"max_output_tokens\":9}");
        ObjectNode params = obj("{\"max_tokens\":40,\"reasoning_effort\":\"low\",\"temperature\":0.3,\"stop\":\"END\","
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\",\"schema\":{\"type\":\"object\"}}},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}");
        params.fields().forEachRemaining(p -> PresetWire.RESPONSES.param(body, p.getKey(), p.getValue()));
        PresetWire.RESPONSES.systemPrompt(body, "preset");
        assertThat(body).isEqualTo(obj("{\"input\":\"hi\",\"max_output_tokens\":9,\"reasoning\":{\"effort\":\"low\"},"
                + "\"temperature\":0.3,\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"p\",\"schema\":{\"type\":\"object\"}}},"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"f\"},\"instructions\":\"preset\"}"));
    }

    @Test
    void chatKeepsEveryParamAndPrependsASystemMessage() throws Exception {
        ObjectNode body = obj("{\"seed\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        PresetWire.CHAT.param(body, "seed", JSON.readTree("7"));
        PresetWire.CHAT.param(body, "num_ctx", JSON.readTree("4096"));
        PresetWire.CHAT.systemPrompt(body, "preset");
        assertThat(body).isEqualTo(obj("{\"seed\":7,\"messages\":[{\"role\":\"system\",\"content\":\"preset\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}],\"num_ctx\":4096}"));
    }
}
