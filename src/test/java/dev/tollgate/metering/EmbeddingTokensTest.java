package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddingTokensTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void boundIsBytesPlusOverheadPerStringAndLengthPerTokenArray() throws Exception {
        assertThat(EmbeddingTokens.upperBound(JSON.readTree("\"héllo\""))).isEqualTo(6 + 2);
        assertThat(EmbeddingTokens.upperBound(JSON.readTree("[\"ab\",\"cde\"]"))).isEqualTo(2 + 2 + 3 + 2);
        assertThat(EmbeddingTokens.upperBound(JSON.readTree("[5,6,7]"))).isEqualTo(3);
        assertThat(EmbeddingTokens.upperBound(JSON.readTree("[[5,6],[7]]"))).isEqualTo(3);
    }

    @Test
    void countedIsExactForOpenAiEmbeddingModelsAndTheBoundOtherwise() throws Exception {
        JsonNode input = JSON.readTree("[\"hello world\",\"tollgate\"]");
        assertThat(EmbeddingTokens.counted(JSON.readTree("\"hello world\""), "text-embedding-3-small")).isEqualTo(2);
        assertThat(EmbeddingTokens.counted(input, "some-local-model")).isEqualTo(EmbeddingTokens.upperBound(input));
        assertThat(EmbeddingTokens.counted(JSON.readTree("[[1,2,3]]"), "text-embedding-3-large")).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"plain ascii text\"", "[\"日本語のテキスト\",\"emoji 🚀🚀\"]", "\"\\ud800 lone\"", "[\"a\",\"b\",\"c\"]"})
    void countedNeverExceedsTheBound(String json) throws Exception {
        JsonNode input = JSON.readTree(json);
        for (String model : new String[] {"text-embedding-3-small", "text-embedding-ada-002", "nomic-embed"}) {
            assertThat(EmbeddingTokens.counted(input, model)).isLessThanOrEqualTo(EmbeddingTokens.upperBound(input));
        }
    }
}
