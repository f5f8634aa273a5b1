package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.provider.ChatCall;
import dev.tollgate.provider.ChatProvider;
import dev.tollgate.provider.ChatResult;
import dev.tollgate.provider.EmbeddingsProvider;
import dev.tollgate.provider.ImagesProvider;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.provider.mock.MockProvider;
import dev.tollgate.routing.Deployment;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A provider without an optional capability is never offered to that endpoint. Every adapter in
 * this build has both capabilities, so a chat-only provider is written here (no mocking framework).
 */
class CapabilitiesTest {
    static final class ChatOnly implements ChatProvider {
        @Override public String name() { return "chat-only"; }

        @Override public ChatResult complete(ChatCall call) { throw new AssertionError("not called"); }

        @Override public void stream(ChatCall call, Consumer<StreamChunk> sink) { throw new AssertionError("not called"); }
    }

    static Deployment deployment(String model, ChatProvider provider) {
        return new Deployment(new TollgateConfig.Model(model, provider.name(), model, TollgateConfig.Price.FREE, true, null), provider);
    }

    static final MockProvider MOCK = new MockProvider(new TollgateConfig.Provider("mock", "mock", null, null, null, null, 0, 0, java.util.Map.of()));

    @Test
    void modelWhoseProviderLacksTheCapabilityIs400NamingModelAndEndpoint() {
        List<Deployment> only = List.of(deployment("claude-x", new ChatOnly()));
        for (Class<?> capability : List.of(EmbeddingsProvider.class, ImagesProvider.class)) {
            String endpoint = capability == EmbeddingsProvider.class ? Embeddings.ENDPOINT : Images.ENDPOINT;
            assertThatThrownBy(() -> Capabilities.require("claude-x", only, capability, endpoint))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.type()).isEqualTo("invalid_request_error");
                        assertThat(e.param()).isEqualTo("model");
                        assertThat(e.getMessage()).contains("claude-x").contains(endpoint).contains("chat-only");
                    });
        }
    }

    @Test
    void aliasKeepsOnlyCapableCandidatesInOrder() {
        Deployment chat = deployment("claude-x", new ChatOnly());
        Deployment mock = deployment("mock-small", MOCK);
        assertThat(Capabilities.require("alias", List.of(chat, mock), EmbeddingsProvider.class, Embeddings.ENDPOINT))
                .containsExactly(mock);
        assertThat(Capabilities.require("alias", List.of(mock, chat), ImagesProvider.class, Images.ENDPOINT))
                .containsExactly(mock);
    }
}
