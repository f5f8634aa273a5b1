package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.http.Bodies;
import dev.tollgate.testing.FuzzProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Responses → chat translation alone: what each field becomes, and that hostile bodies only ever get a 4xx. */
class ResponsesRequestTest {
    static ResponsesRequest translate(String json) {
        return ResponsesRequest.translate(Bodies.jsonObject(json.getBytes(StandardCharsets.UTF_8)), id -> List.of());
    }

    @Test
    void fieldsBecomeTheirChatEquivalents() {
        ResponsesRequest r = translate("""
                {"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"What is this?"},
                  {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]}],
                 "tool_choice":{"type":"function","name":"f"},"tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],
                 "text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object"},"strict":true}},
                 "reasoning":{"effort":"low"},"temperature":0.2,"top_p":0.9,"user":"u1","max_output_tokens":64,
                 "metadata":{"k":"v"},"include":["reasoning.encrypted_content"],"shiny_new_field":1}""");
        JsonNode chat = r.chat().body();
        JsonNode parts = chat.path("messages").get(0).path("content");
        assertThat(parts.get(0).toString()).isEqualTo("{\"type\":\"text\",\"text\":\"What is this?\"}");
        assertThat(parts.get(1).toString())
                .isEqualTo("{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\",\"detail\":\"low\"}}");
        assertThat(chat.path("tool_choice").toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        assertThat(chat.path("response_format").toString()).isEqualTo(
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\"},\"strict\":true}}");
        assertThat(chat.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(chat.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(chat.has("metadata")).as("kept on the response, not sent").isFalse();
        assertThat(chat.path("user").asText()).isEqualTo("u1");
        assertThat(r.ignored()).containsExactly("include", "shiny_new_field");
        assertThat(r.echo().path("tools").get(0).path("strict").asBoolean(true)).isFalse();
        assertThat(r.echo().path("metadata").path("k").asText()).isEqualTo("v");
        assertThat(r.store()).isTrue();
        assertThat(r.input().get(0).path("id").asText()).startsWith("msg_");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "{\"model\":\"m\"}", "{\"model\":\"m\",\"input\":5}", "{\"model\":\"m\",\"input\":[5]}",
            "{\"model\":\"m\",\"input\":[{}]}", "{\"model\":\"m\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\"}]}", "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[7]}]}",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}]}",
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\"}]}", "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}",
            "{\"model\":\"m\",\"input\":\"x\",\"tools\":{}}", "{\"model\":\"m\",\"input\":\"x\",\"tools\":[1]}",
            "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}", "{\"model\":\"m\",\"input\":\"x\",\"tool_choice\":3}",
            "{\"model\":\"m\",\"input\":\"x\",\"tool_choice\":{\"type\":\"web_search\"}}", "{\"model\":\"m\",\"input\":\"x\",\"text\":1}",
            "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":\"json\"}}", "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\"}}}",
            "{\"model\":\"m\",\"input\":\"x\",\"metadata\":[]}", "{\"model\":\"m\",\"input\":\"x\",\"metadata\":{\"k\":1}}",
            "{\"model\":\"m\",\"input\":\"x\",\"instructions\":[]}", "{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":1}",
            "{\"model\":\"m\",\"input\":\"x\",\"store\":\"yes\"}", "{\"model\":\"m\",\"input\":\"x\",\"stream\":1}",
            "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":-1}", "{\"model\":\"m\",\"input\":\"x\",\"temperature\":\"hot\"}",
            "{\"model\":\"m\",\"input\":\"x\",\"conversation\":\"conv_1\"}", "{\"model\":\"m\",\"input\":\"x\",\"prompt\":{\"id\":\"p\"}}",
            "{\"model\":7,\"input\":\"x\"}", "{\"model\":\"m\",\"input\":\"x\",\"reasoning\":\"high\"}",
            "{\"model\":\"m\",\"input\":[{\"type\":\"reasoning\",\"summary\":[]}]}",
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":[1,{\"text\":2}]}]}"})
    void hostileBodiesAreAcceptedOrGetA4xx(String body) throws Exception {
        FuzzProperty.acceptedOrClientError(() -> translate(body));
    }
}
