package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

class OutputTokensTest {

    @Test
    void openAiModelsAreCountedExactlyWithTheirVocabulary() {
        String text = "The Eiffel Tower is 330 m tall. 埃菲尔铁塔高330米。";
        assertThat(OutputTokens.count(text, "gpt-4o")).isEqualTo(
                Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokens(text));
        assertThat(OutputTokens.count(text, "gpt-3.5-turbo")).isEqualTo(
                Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE).countTokens(text));
        assertThat(OutputTokens.exactSupported("gpt-4o")).isTrue();
        assertThat(OutputTokens.count("", "gpt-4o")).isZero();
    }

    @Test
    void otherModelsGetTheDocumentedEstimate() {
        assertThat(OutputTokens.exactSupported("claude-sonnet-4")).isFalse();
        assertThat(OutputTokens.count("abcdefgh", "claude-sonnet-4")).isEqualTo(2);   // 8 ASCII bytes / 4
        assertThat(OutputTokens.count("abcdefghi", "claude-sonnet-4")).isEqualTo(3);  // rounded up
        assertThat(OutputTokens.count("東京タワー", "gemini-2.5-flash")).isEqualTo(5); // one per CJK char
        assertThat(OutputTokens.count("ok 😀", "mock-small")).isEqualTo(2);           // 3 bytes → 1, emoji → 1
        assertThat(OutputTokens.count("", "mock-small")).isZero();
    }
}
