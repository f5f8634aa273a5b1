package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The files under {@code deploy/} agree with the code and with each other: every environment variable
 * they set is one the gateway reads (or one the mounted config substitutes), ports match from the
 * balancer to the image, stop timeouts outlast the drain, the example config loads. Where the real
 * linters are installed ({@code systemd-analyze verify}, {@code docker-compose config}) they run too.
 */
class DeploymentFilesTest {
    static final Path DEPLOY = Path.of("deploy");

    /** Every TOLLGATE_* name the code reads. */
    static Set<String> variablesTheCodeReads() throws Exception {
        Set<String> names = new HashSet<>();
        Pattern quoted = Pattern.compile("\"(TOLLGATE_[A-Z_]+)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = quoted.matcher(Files.readString(f));
                while (m.find()) names.add(m.group(1));
            }
        }
        return names;
    }

    static Set<String> substitutedBy(Path config) throws Exception {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(Files.readString(config));
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsThreeGatewaysOnOnePostgresAndRedisWithVariablesTheGatewayReads() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsOnlyKeys("gateway-1", "gateway-2", "gateway-3", "balancer", "postgres", "redis");
        Set<String> known = variablesTheCodeReads();
        Path config = DEPLOY.resolve("tollgate.example.yaml");
        known.addAll(substitutedBy(config));
        String nginx = Files.readString(DEPLOY.resolve("nginx.conf"));
        String postgresDb = String.valueOf(((Map<String, Object>) ((Map<String, Object>) services.get("postgres")).get("environment")).get("POSTGRES_DB"));
        for (String name : List.of("gateway-1", "gateway-2", "gateway-3")) {
            Map<String, Object> gw = (Map<String, Object>) services.get(name);
            Map<String, Object> env = (Map<String, Object>) gw.get("environment");
            assertThat(known).as(name + " sets only variables the gateway reads").containsAll(env.keySet());
            assertThat(String.valueOf(env.get("TOLLGATE_DB_URL"))).startsWith("jdbc:postgresql://postgres:5432/" + postgresDb + "?");
            assertThat(env.get("TOLLGATE_REDIS_URL")).isEqualTo("redis://redis:6379");
            String port = String.valueOf(env.get("TOLLGATE_PORT"));
            assertThat(nginx).as("the balancer sends to " + name + " on its port").contains("server " + name + ":" + port);
            long drainMs = Long.parseLong(String.valueOf(env.get("TOLLGATE_DRAIN_TIMEOUT_MS")));
            assertThat(seconds(String.valueOf(gw.get("stop_grace_period"))) * 1000).as("compose waits out the drain").isGreaterThan(drainMs);
            assertThat((List<String>) gw.get("volumes")).contains("./tollgate.example.yaml:/etc/tollgate/tollgate.yaml:ro");
            assertThat(env.get("TOLLGATE_CONFIG")).isEqualTo("/etc/tollgate/tollgate.yaml");
        }
        TollgateConfig loaded = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test")).load(config);
        assertThat(loaded.providers()).isNotEmpty();
        assertThat(String.valueOf(((Map<String, Object>) services.get("redis")).get("command"))).contains("noeviction");
    }

    @Test
    void composeConfigIsValidWhereDockerComposeIsInstalled() throws Exception {
        assumeTrue(BackupCommandTest.onPath("docker-compose"), "docker-compose (Debian package) is not installed");
        ProcessBuilder pb = new ProcessBuilder("docker-compose", "-f", DEPLOY.resolve("docker-compose.yml").toString(), "config", "-q")
                .redirectErrorStream(true);
        pb.environment().put("TOLLGATE_ADMIN_TOKEN", "tga-test");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void systemdUnitRunsTheJarDrainsAndCountsSigtermAsClean() throws Exception {
        Map<String, String> unit = new LinkedHashMap<>();
        Set<String> envNames = new HashSet<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("tollgate.service"))) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[")) continue;
            String key = line.substring(0, line.indexOf('='));
            String value = line.substring(line.indexOf('=') + 1);
            if (key.equals("Environment")) envNames.add(value.substring(0, value.indexOf('=')));
            unit.put(key, value);
        }
        assertThat(variablesTheCodeReads()).containsAll(envNames);
        assertThat(unit.get("ExecStart")).contains("-jar /opt/tollgate/tollgate.jar serve");
        assertThat(unit.get("SuccessExitStatus")).contains("143");
        long drainMs = Long.parseLong(Files.readAllLines(DEPLOY.resolve("tollgate.service")).stream()
                .filter(l -> l.startsWith("Environment=TOLLGATE_DRAIN_TIMEOUT_MS=")).findFirst().orElseThrow().split("=")[2]);
        assertThat(Long.parseLong(unit.get("TimeoutStopSec")) * 1000).isGreaterThan(drainMs);
        if (BackupCommandTest.onPath("systemd-analyze")) {
            Process p = new ProcessBuilder("systemd-analyze", "verify", DEPLOY.resolve("tollgate.service").toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
        }
    }

    @Test
    void dockerfileShipsTheBuiltJarOnTheConfiguredPortWithAReadinessHealthcheck() throws Exception {
        String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(docker).contains("COPY --from=build /src/target/tollgate.jar /opt/tollgate/tollgate.jar")
                .contains("\"-jar\", \"/opt/tollgate/tollgate.jar\"").contains("STOPSIGNAL SIGTERM").contains("GET /ready");
        Matcher port = Pattern.compile("TOLLGATE_PORT=(\\d+)").matcher(docker);
        assertThat(port.find()).isTrue();
        assertThat(docker).contains("EXPOSE " + port.group(1)).contains("/dev/tcp/127.0.0.1/" + port.group(1));
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>tollgate</finalName>");
        Matcher env = Pattern.compile("\\b(TOLLGATE_[A-Z_]+)=").matcher(docker);
        Set<String> known = variablesTheCodeReads();
        while (env.find()) assertThat(known).contains(env.group(1));
    }

    static long seconds(String duration) {
        assertThat(duration).matches("\\d+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }
}
