package dev.tollgate.api.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image history through the real server (the built-in mock draws 1×1 PNGs): generated images are kept, listed
 * newest first, served as bytes with their media type (or a redirect to a provider URL), deleted; only to their own
 * account; and generation stays bound by the plan's images feature and monthly image quota.
 */
class ImageHistoryTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, """
                limits: { default_rpm: 0 }
                providers:
                  - { name: mock, type: mock }
                models:
                  - { name: painter, provider: mock, price: { image: { default: 0.002 } } }
                plans:
                  starter: { monthly: { images: 2 } }
                  textonly: { features: { images: false } }
                """, null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static String key(String plan) {
        String account = gw.gateway.accounts().create(plan + "-" + System.nanoTime(), plan).id();
        gw.gateway.ledger().grant("fund-" + account, account, 1_000_000_000L, "test");
        return gw.gateway.accounts().createKey(account, "k", null, null).secret();
    }

    static HttpResponse<String> draw(String key, String prompt, int n, String format) {
        return gw.post("/v1/images/generations", "{\"model\":\"painter\",\"prompt\":\"" + prompt + "\",\"n\":" + n
                + ",\"size\":\"1024x1024\",\"response_format\":\"" + format + "\"}", key);
    }

    static JsonNode json(String body) {
        return Json.parseOrNull(body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<byte[]> bytes(String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void generatedImagesAreKeptListedServedAndDeleted() throws Exception {
        String key = key(null);
        HttpResponse<String> first = draw(key, "a red fox", 1, "b64_json");
        HttpResponse<String> second = draw(key, "a blue whale", 2, "b64_json");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        String foxId = json(first.body()).path("data").get(0).path("id").asText();
        List<String> whaleIds = List.of(json(second.body()).path("data").get(0).path("id").asText(),
                json(second.body()).path("data").get(1).path("id").asText());
        assertThat(foxId).startsWith("img_");

        JsonNode page = json(gw.get("/v1/images?limit=2", key).body());
        assertThat(page.path("data")).hasSize(2);
        assertThat(page.path("has_more").asBoolean()).isTrue();
        assertThat(page.path("data").get(0).path("prompt").asText()).isEqualTo("a blue whale");
        JsonNode rest = json(gw.get("/v1/images?after=" + page.path("last_id").asText(), key).body());
        assertThat(rest.path("data")).hasSize(1);
        assertThat(rest.path("data").get(0).path("id").asText()).isEqualTo(foxId);
        assertThat(rest.path("has_more").asBoolean()).isFalse();

        HttpResponse<byte[]> image = bytes("/v1/images/" + foxId, key);
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("content-type")).contains("image/png");
        assertThat(image.body()).isEqualTo(PNG);
        JsonNode meta = json(gw.get("/v1/images/" + foxId + "?format=json", key).body());
        assertThat(meta.path("model").asText()).isEqualTo("painter");
        assertThat(meta.path("size").asText()).isEqualTo("1024x1024");
        assertThat(meta.path("bytes").asLong()).isEqualTo(PNG.length);
        assertThat(meta.path("revised_prompt").asText()).isEqualTo("a red fox");

        assertThat(gw.delete("/v1/images/" + whaleIds.get(0), key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/v1/images/" + whaleIds.get(0), key).statusCode()).isEqualTo(404);
        assertThat(gw.delete("/v1/images/" + whaleIds.get(0), key).statusCode()).isEqualTo(404);
        assertThat(json(gw.get("/v1/images", key).body()).path("data")).hasSize(2);
    }

    @Test
    void anotherAccountSeesNoneOfThem() throws Exception {
        String mine = key(null);
        String theirs = key(null);
        String id = json(draw(mine, "private", 1, "b64_json").body()).path("data").get(0).path("id").asText();
        assertThat(bytes("/v1/images/" + id, theirs).statusCode()).isEqualTo(404);
        assertThat(gw.get("/v1/images/" + id + "?format=json", theirs).statusCode()).isEqualTo(404);
        assertThat(gw.delete("/v1/images/" + id, theirs).statusCode()).isEqualTo(404);
        assertThat(json(gw.get("/v1/images", theirs).body()).path("data")).isEmpty();
        assertThat(bytes("/v1/images/" + id, mine).statusCode()).as("still there for its owner").isEqualTo(200);
    }

    @Test
    void anImageTheProviderGaveAsAUrlIsKeptAsTheUrl() throws Exception {
        String key = key(null);
        JsonNode answer = json(draw(key, "a url image", 1, "url").body());
        String id = answer.path("data").get(0).path("id").asText();
        HttpResponse<byte[]> r = bytes("/v1/images/" + id, key); // the JDK client does not follow redirects by default
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("location")).contains(answer.path("data").get(0).path("url").asText());
        assertThat(json(gw.get("/v1/images/" + id + "?format=json", key).body()).path("bytes").asLong()).isZero();
    }

    @Test
    void theMonthlyImageQuotaAndThePlansFeatureStillBindGeneration() {
        String starter = key("starter");
        assertThat(draw(starter, "one", 2, "b64_json").statusCode()).isEqualTo(200);
        HttpResponse<String> over = draw(starter, "three", 1, "b64_json");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(json(over.body()).path("error").path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(json(gw.get("/v1/images", starter).body()).path("data")).as("the refused one is not kept").hasSize(2);

        String textOnly = key("textonly");
        HttpResponse<String> refused = draw(textOnly, "no", 1, "b64_json");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(gw.get("/v1/images", textOnly).body()).path("data")).isEmpty();
    }
}
