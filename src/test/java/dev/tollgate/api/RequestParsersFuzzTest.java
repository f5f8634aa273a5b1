package dev.tollgate.api;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Accounts;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.metering.EmbeddingTokens;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.routing.auto.PromptAnalyzer;
import dev.tollgate.testing.FuzzProperty;

/**
 * The request parsers of the OpenAI-wire endpoints and the admin API, fed raw bytes as a client would
 * send them: only success or a 4xx {@link dev.tollgate.http.ApiException} may come out. Regression mode
 * replays RequestParsersFuzzTestInputs/&lt;method&gt; on every test run; docs/fuzzing.md runs them longer.
 */
class RequestParsersFuzzTest {
    /** An OpenAI model id with an exact tokenizer, so the exact-count path is exercised. */
    private static final String MODEL = "gpt-4o-mini";
    private static final dev.tollgate.config.TollgateConfig DEMO_CONFIG =
            new dev.tollgate.config.ConfigLoader(java.util.Map.of()).loadDemo();

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void chat(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(data));
            Json.bytes(chat.body()); // forwarded upstream as is
            PromptTokens.upperBound(chat.body(), MODEL); // the hold's prompt bound
        });
    }

    /** /v1/estimate: the chat parse plus what it prices before routing: exact tokens, output cap, task analysis. */
    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void estimate(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            ChatRequest chat = ChatRequest.parse(Bodies.jsonObject(data));
            PromptTokens.exact(chat.body(), MODEL);
            PriceBook.explicitOutputCap(chat.body());
            PromptAnalyzer.analyze(chat.body()); // model: auto
        });
    }

    /** /v1/completions: the legacy parse, its chat translation, the body a legacy provider gets, the hold's bound. */
    @FuzzTest(maxDuration = "3m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void completions(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            CompletionsRequest request = CompletionsRequest.translate(Bodies.jsonObject(data));
            Json.bytes(request.chat().legacyBody());
            PromptTokens.upperBound(request.chat().body(), MODEL);
        });
    }

    @FuzzTest(maxDuration = "3m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void embeddings(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            EmbeddingsRequest request = EmbeddingsRequest.parse(Bodies.jsonObject(data));
            EmbeddingTokens.upperBound(request.input());
            EmbeddingTokens.counted(request.input(), "text-embedding-3-small");
        });
    }

    @FuzzTest(maxDuration = "3m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void images(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> ImagesRequest.parse(Bodies.jsonObject(data)));
    }

    /** The admin bodies: accounts (name, plan, credits), keys (name, rpm, tpm), credits (amount, reason, idempotency_key). */
    @FuzzTest(maxDuration = "3m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void admin(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            ObjectNode body = Bodies.jsonObject(data);
            int which = data.length % 3; // each input also exercises one body shape fully
            if (which == 0) {
                String name = Admin.requiredString(body, "name");
                Accounts.nameProblem(name);
                Admin.optionalString(body, "plan");
                if (body.has("credits")) CreditAmounts.micros(body.get("credits"), "credits", false);
            } else if (which == 1) {
                Admin.optionalString(body, "name");
                LimitFields.columns(body, LimitFields.KEY, DEMO_CONFIG); // a key's limits, as POST and PATCH read them
            } else {
                CreditAmounts.micros(body.get("amount"), "amount", true);
                Admin.optionalString(body, "reason");
                Admin.optionalString(body, "idempotency_key");
            }
        });
    }
}
