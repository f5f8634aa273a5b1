package dev.tollgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the dashboard is served (docs/dashboard.md): from the jar, exact routes, strict headers, no unsafe code. */
class DashboardServingTest {
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), "http://127.0.0.1:9/v1");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return TestGateway.send(b.build());
    }

    static List<String> assets() throws IOException {
        return text("assets.list").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static String text(String name) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream("/web/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void rootServesThePageWithAStrictPolicyAndNoInlineCode() {
        HttpResponse<String> res = get("/");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        String csp = res.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).isEqualTo(Dashboard.CSP).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(res.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(res.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(res.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        assertThat(res.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>")
                .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContain("style=").doesNotContain("<style")
                .doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void everyListedAssetIsServedWithItsTypeAndRevalidatedByEtag() throws IOException {
        for (String name : assets()) {
            HttpResponse<String> res = get("/ui/" + name);
            assertThat(res.statusCode()).as(name).isEqualTo(200);
            assertThat(res.body()).as(name).isEqualTo(text(name));
            assertThat(res.headers().firstValue("content-type")).as(name).hasValue(Dashboard.contentType(name));
            assertThat(res.headers().firstValue("cache-control")).as(name).hasValue("no-cache");
            assertThat(res.headers().firstValue("content-security-policy")).as(name).hasValue(Dashboard.CSP);
            String etag = res.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again = get("/ui/" + name, "If-None-Match", etag);
            assertThat(again.statusCode()).as(name).isEqualTo(304);
            assertThat(again.body()).isEmpty();
        }
        assertThat(assets()).contains("app.js", "app.css", "api.js", "dom.js", "chart.js", "account.js", "operator.js");
    }

    @Test
    void unknownFilesAndMethodsGetTheUsualErrors() {
        HttpResponse<String> missing = get("/ui/nope.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":\"unknown_url\"");
        assertThat(get("/ui/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/index.html").statusCode()).isEqualTo(404);
        HttpResponse<String> post = TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    /** The safety rules of docs/dashboard.md, checked in the source: data never becomes markup or outlives the tab. */
    @Test
    void scriptsNeverParseDataAsHtmlNorKeepTheCredentialBeyondTheTab() throws IOException {
        for (String name : assets()) {
            if (!name.endsWith(".js")) continue;
            String js = text(name).replace("'http://www.w3.org/2000/svg'", "SVG_NS"); // a namespace, not a fetch
            assertThat(js).as(name).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                    "eval(", "new Function", "localStorage", "document.cookie", "setAttribute('style'", "http://", "https://");
        }
        assertThat(text("app.js")).contains("sessionStorage");
        assertThat(text("api.js")).contains("credentials: 'omit'");
    }
}
