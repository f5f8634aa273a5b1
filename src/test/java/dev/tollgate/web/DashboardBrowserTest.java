package dev.tollgate.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.metering.Cost;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real browser (Debian's chromium, headless) against a real gateway and a fake
 * upstream: the account's view (balance, playground charge, keys, history) and the operator's (trend
 * chart, emergency stop). Screenshots of every page go to target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;
    static Browser browser;
    /** A key of the test account that may manage keys (granted by the admin API). */
    static String managerKey;

    /** Two providers (one with a monthly token budget) and a plan whose message quota the setup takes past 80 %. */
    static final String CONFIG = """
            server: { upstream_timeout_ms: 5000, stream_idle_timeout_ms: 5000 }
            limits: { default_rpm: 0 }
            providers:
              - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890, monthly_token_budget: 1000 }
              - { name: backup, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-0987654321 }
            models:
              - { name: ok, provider: fake, price: { input: 1, output: 2 } }
              - { name: ok-large, provider: fake, upstream: ok, price: { input: 3, output: 6 } }
              - { name: ok-backup, provider: backup, upstream: ok, price: { input: 1, output: 2 } }
            plans:
              pro: { description: Paid, monthly: { messages: 20, tokens: 100000, images: 5 }, monthly_budget: 50 }
            """;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, CONFIG, upstream.baseUrl(), "jdbc:sqlite:" + dir.resolve("tollgate.db"), CLOCK,
                dev.tollgate.routing.health.Backoff.Sleeper.REAL);
        pastTraffic();
        HttpResponse<String> created = gw.post("/admin/accounts/" + gw.accountId + "/keys",
                "{\"name\":\"dashboard\",\"can_manage_keys\":true}", TestGateway.ADMIN_TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        managerKey = JSON.readTree(created.body()).path("key").asText();
        HttpResponse<String> plan = TestGateway.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(gw.baseUrl() + "/admin/accounts/" + gw.accountId))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"plan\":\"pro\"}")).build());
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        for (int i = 1; i <= 12; i++) { // more than one page of history
            HttpResponse<String> grant = gw.post("/admin/accounts/" + gw.accountId + "/credits",
                    "{\"amount\":" + i + ",\"reason\":\"top-up " + i + "\"}", TestGateway.ADMIN_TOKEN);
            assertThat(grant.statusCode()).as(grant.body()).isEqualTo(200);
        }
        // usage for the charts: three models, two end users; 16 of the plan's 20 messages (an 80 % alert)
        String[] models = {"ok", "ok", "ok-large", "ok-backup"};
        for (int i = 0; i < 16; i++) {
            String body = "{\"model\":\"" + models[i % 4] + "\",\"user\":\"" + (i % 3 == 0 ? "bob" : "alice")
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
            assertThat(gw.post("/v1/chat/completions", body, gw.key).statusCode()).isEqualTo(200);
        }
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("no-such-model", false), gw.key).statusCode()).isEqualTo(404);
        browser = new Browser(dir.resolve("profile"));
    }

    /** Real time, shifted while the setup records traffic on earlier days (so the trend charts have a shape). */
    static final class ShiftedClock extends java.time.Clock {
        volatile long offsetMs;

        @Override
        public long millis() { return System.currentTimeMillis() + offsetMs; }

        @Override
        public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(millis()); }

        @Override
        public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) { throw new UnsupportedOperationException("UTC only"); }
    }

    static final ShiftedClock CLOCK = new ShiftedClock();

    /** A second account, without a plan, busy on each of the last ten days. */
    static void pastTraffic() throws Exception {
        JsonNode acme = JSON.readTree(gw.post("/admin/accounts", "{\"name\":\"acme\",\"credits\":100}", TestGateway.ADMIN_TOKEN).body());
        String key = JSON.readTree(gw.post("/admin/accounts/" + acme.path("id").asText() + "/keys", "{\"name\":\"app\"}",
                TestGateway.ADMIN_TOKEN).body()).path("key").asText();
        String[] models = {"ok", "ok-large", "ok-backup"};
        try {
            for (int day = 10; day >= 1; day--) {
                CLOCK.offsetMs = -java.time.Duration.ofDays(day).toMillis();
                for (int i = 0; i < 1 + (day * 7) % 4; i++) {
                    String body = "{\"model\":\"" + models[(day + i) % 3] + "\",\"user\":\"carol\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Summarise the news\"}]}";
                    assertThat(gw.post("/v1/chat/completions", body, key).statusCode()).isEqualTo(200);
                }
            }
        } finally {
            CLOCK.offsetMs = 0;
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (gw != null) gw.close();
        if (upstream != null) upstream.close();
    }

    @BeforeEach
    void signedOut() {
        browser.driver.get(gw.baseUrl() + "/");
        browser.driver.executeScript("sessionStorage.clear()");
        browser.driver.get(gw.baseUrl() + "/");
        browser.visible("#credential");
    }

    void signIn(String credential) {
        browser.type("#credential", credential);
        browser.click("#signin-form button[type=submit]");
    }

    BigDecimal shown(String statId) {
        WebElement value = browser.visible("#" + statId + " .stat-value");
        return new BigDecimal(value.getAttribute("data-value"));
    }

    static <T> T eventually(Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        T v = probe.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = probe.get();
        }
        return v;
    }

    /** Nothing the strict CSP blocked, no failed load, no script error: the browser's console stays clean. */
    @AfterEach
    void consoleIsClean() {
        java.util.List<String> bad = browser.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll()
                .stream().filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                        || e.getMessage().contains("Content Security Policy")).map(Object::toString).toList();
        assertThat(bad).isEmpty();
    }

    @Test
    @Order(1)
    void accountSeesBalanceAndPaysExactlyThePlaygroundsCharge() throws Exception {
        Number firstPaintMs = (Number) browser.driver.executeScript(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1;");
        System.out.println("dashboard first contentful paint: " + firstPaintMs + " ms");
        assertThat(firstPaintMs.doubleValue()).isBetween(0.0, 1000.0);
        eventually(() -> gw.get("/v1/usage", managerKey).body(), b -> b.contains("\"threshold\""));
        signIn(managerKey);
        BigDecimal before = shown("stat-balance");
        assertThat(browser.visible("#page-overview").getText()).contains("Messages", "16 of 20 (80%)", "Plan “pro”", "messages");
        assertThat(before).isEqualByComparingTo(Cost.toCreditsDecimal(gw.gateway.ledger().balance(gw.accountId).postedMicros()));
        browser.screenshot("account-overview");

        browser.page("playground", "Playground");
        browser.type("#play-prompt", "Hello from the dashboard test");
        browser.click("#play-estimate-button");
        BigDecimal max = shown("play-max");
        assertThat(max).isPositive();
        browser.click("#play-send");
        BigDecimal cost = shown("play-cost");
        BigDecimal after = shown("play-balance");
        assertThat(browser.visible("#play-answer").getText()).isNotBlank();
        assertThat(cost).isPositive().isLessThanOrEqualTo(max);
        assertThat(after).isEqualByComparingTo(before.subtract(cost));
        assertThat(after).isEqualByComparingTo(Cost.toCreditsDecimal(gw.gateway.ledger().balance(gw.accountId).postedMicros()));
        browser.screenshot("account-playground");
    }

    @Test
    @Order(2)
    void accountCreatesAKeyShownOnceAndRevokesIt() throws Exception {
        signIn(managerKey);
        browser.page("keys", "Keys");
        browser.type("#key-name", "laptop");
        browser.click("#key-create button[type=submit]");
        String secret = browser.visible("#new-key-secret").getAttribute("value");
        assertThat(secret).startsWith("tg-");
        assertThat(gw.get("/v1/credits", secret).statusCode()).isEqualTo(200);
        browser.until(d -> d.findElements(By.xpath("//td[contains(., 'laptop')]")).size() == 1);
        browser.screenshot("account-keys");
        browser.click("#new-key-done");
        assertThat(browser.driver.getPageSource()).doesNotContain(secret);

        String id = null;
        for (JsonNode k : JSON.readTree(gw.get("/v1/keys", managerKey).body()).path("data")) {
            if (k.path("name").asText().equals("laptop")) id = k.path("id").asText();
        }
        assertThat(id).isNotNull();
        browser.click("button[data-key='" + id + "']");
        browser.click("#confirm-action");
        browser.until(d -> d.findElement(By.id("keys-status")).getText().contains("revoked"));
        assertThat(gw.get("/v1/credits", secret).statusCode()).isEqualTo(401);
        assertThat(browser.driver.getPageSource()).doesNotContain(secret);
    }

    @Test
    @Order(3)
    void accountPagesTheHistoryAndSeesUsageCharts() throws Exception {
        signIn(managerKey);
        browser.page("history", "History");
        browser.until(d -> d.findElements(By.cssSelector("#page-history tbody tr")).size() == 10);
        String firstPage = browser.visible("#page-history tbody").getText();
        browser.screenshot("account-history");
        browser.click("#history-older");
        browser.until(d -> d.findElement(By.id("history-page")).getText().equals("Page 2"));
        assertThat(browser.visible("#page-history tbody").getText()).isNotEqualTo(firstPage);
        assertThat(browser.all("#page-history tbody tr")).isNotEmpty();
        browser.click("#history-newer");
        browser.until(d -> d.findElement(By.id("history-page")).getText().equals("Page 1"));

        // usage events are written off the request path: wait until the rollups have them
        eventually(() -> gw.get("/v1/usage/daily?days=7", managerKey).body(), b -> b.contains("\"requests\""));
        browser.page("usage", "Usage");
        browser.until(d -> !d.findElements(By.cssSelector("#page-usage svg.chart rect.bar-rect")).isEmpty());
        browser.screenshot("account-usage");
        browser.page("overview", "Overview");
        browser.visible("#stat-balance");
    }

    @Test
    @Order(4)
    void operatorSeesTrendsAndStopsAndReleasesTraffic() throws Exception {
        eventually(() -> gw.get("/admin/analytics/trends?days=30", TestGateway.ADMIN_TOKEN).body(), b -> b.contains("\"date\""));
        signIn(TestGateway.ADMIN_TOKEN);
        browser.until(d -> d.findElement(By.id("page-title")).getText().equals("System"));
        browser.until(d -> d.findElements(By.cssSelector("#chart-trend svg.chart rect.bar-rect")).size() > 0);
        assertThat(browser.all("#chart-trend svg.chart")).hasSize(2);
        assertThat(shown("stat-requests")).isPositive();
        browser.screenshot("operator-system");

        browser.page("stops", "Emergency stop");
        browser.type("#stop-reason", "incident 42: runaway agent");
        browser.click("#stop-form button[type=submit]");
        browser.until(d -> d.findElement(By.id("stops-list")).getText().contains("incident 42"));
        HttpResponse<String> refused = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("emergency_stop");
        assertThat(refused.body()).contains("incident 42");
        browser.screenshot("operator-stop");
        browser.click("#stops-list button[data-stop]");
        browser.until(d -> d.findElement(By.id("stops-status")).getText().contains("released"));
        assertThat(browser.all("#stops-list button[data-stop]")).isEmpty();
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void operatorPagesRenderAndAnAccountIsCreatedAndFunded() {
        signIn(TestGateway.ADMIN_TOKEN);
        browser.until(d -> d.findElement(By.id("page-title")).getText().equals("System"));
        browser.page("usage", "Usage");
        browser.until(d -> d.findElements(By.cssSelector("#page-usage table")).size() >= 2);
        browser.screenshot("operator-usage");
        browser.page("providers", "Providers & cache");
        browser.until(d -> d.findElement(By.id("page-providers")).getText().contains("fake (openai)"));
        browser.screenshot("operator-providers");
        browser.page("alerts", "Alerts");
        browser.until(d -> d.findElement(By.id("page-alerts")).getText().contains("messages"));
        browser.screenshot("operator-alerts");

        browser.page("accounts", "Accounts");
        browser.type("#account-name", "acme-dashboard");
        browser.type("#account-credits", "50");
        browser.click("#account-form button[type=submit]");
        assertThat(shown("account-balance")).isEqualByComparingTo("50");
        browser.type("#grant-amount", "25");
        browser.type("#grant-reason", "invoice 42");
        browser.click("#grant-form button[type=submit]");
        browser.until(d -> d.findElement(By.id("account-status")).getText().contains("granted"));
        assertThat(shown("account-balance")).isEqualByComparingTo("75");
        browser.screenshot("operator-account");
    }

    @Test
    @Order(6)
    void phoneWidthShowsTheSamePages() {
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            signIn(managerKey);
            browser.visible("#stat-balance");
            Number overflow = (Number) browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow.intValue()).as("no sideways scrolling at phone width").isLessThanOrEqualTo(0);
            browser.screenshot("account-overview-phone");
        } finally {
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }
}
