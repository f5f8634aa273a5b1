package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.provider.AdapterHarness;
import org.junit.jupiter.api.Test;

/** response_format json_schema → generationConfig.responseMimeType + responseSchema (Gemini's OpenAPI subset). */
class GeminiResponseSchemaTest {
    static JsonNode generationConfig(String schema) throws Exception {
        JsonNode req = AdapterHarness.parse("{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\","
                + "\"strict\":true,\"schema\":" + schema + "}},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        return GeminiRequest.build("gemini-test", req).path("generationConfig");
    }

    @Test
    void aSchemaInTheSubsetIsTranslated() throws Exception {
        JsonNode config = generationConfig("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1},\"age\":{\"type\":[\"integer\",\"null\"]},"
                + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "\"pet\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}},"
                + "\"required\":[\"name\"],\"additionalProperties\":false}");
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.path("responseSchema")).isEqualTo(AdapterHarness.parse("{\"type\":\"OBJECT\",\"properties\":{"
                + "\"name\":{\"type\":\"STRING\",\"minLength\":1},\"age\":{\"nullable\":true,\"type\":\"INTEGER\"},"
                + "\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\"}},"
                + "\"pet\":{\"anyOf\":[{\"type\":\"STRING\"},{\"type\":\"INTEGER\"}]}},\"required\":[\"name\"]}"));
        assertThat(config.has("responseJsonSchema")).isFalse();
    }

    @Test
    void aSchemaBeyondTheSubsetGoesWholeAsResponseJsonSchema() throws Exception {
        String schema = "{\"type\":\"object\",\"$defs\":{\"n\":{\"type\":\"string\"}},\"properties\":{\"name\":{\"$ref\":\"#/$defs/n\"}}}";
        JsonNode config = generationConfig(schema);
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.path("responseJsonSchema")).isEqualTo(AdapterHarness.parse(schema));
        assertThat(config.has("responseSchema")).isFalse();
    }
}
