package dev.tollgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lean client over TLS, against an in-test TLS server whose self-signed certificate (for {@code localhost}
 * only) is made with the JDK's keytool at test time and trusted through the client's test constructor.
 */
class LeanUpstreamHttpTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    @TempDir
    static Path dir;
    static SSLContext serverTls;
    static SSLContext clientTls;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path store = dir.resolve("upstream.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("upstream", keys.getCertificate("upstream"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
    }

    /** A TLS server socket that records the SNI host names clients send. */
    static SSLServerSocket tlsServer(List<String> sniSeen) throws Exception {
        SSLServerSocket server = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLParameters params = server.getSSLParameters();
        params.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                sniSeen.add(((SNIHostName) name).getAsciiName());
                return true;
            }
        }));
        server.setSSLParameters(params);
        return server;
    }

    @Test
    void talksTlsWithSniAndReusesTheConnection() throws Exception {
        List<String> sni = new CopyOnWriteArrayList<>();
        try (RawUpstream upstream = new RawUpstream(tlsServer(sni), (req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
            return true;
        })) {
            LeanUpstreamHttp client = new LeanUpstreamHttp(LeanUpstreamHttpTest.SERVER, clientTls, LeanPool.IDLE_NANOS_MAX);
            URI uri = URI.create("https://localhost:" + upstream.port() + "/v1/messages");
            for (int i = 0; i < 3; i++) {
                try (UpstreamHttp.Response r = client.post(uri, Map.of("x-api-key", "k"), "{}".getBytes(), 5000)) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{}");
                }
            }
            assertThat(sni).containsExactly("localhost");
            assertThat(upstream.connections.get()).isEqualTo(1);
            assertThat(upstream.requests.get(0).head()).contains("\r\nHost: localhost:" + upstream.port() + "\r\n");
        }
    }

    @Test
    void refusesACertificateThatDoesNotNameTheHost() throws Exception {
        try (RawUpstream upstream = new RawUpstream(tlsServer(new CopyOnWriteArrayList<>()), (req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{}"));
            return true;
        })) {
            LeanUpstreamHttp client = new LeanUpstreamHttp(LeanUpstreamHttpTest.SERVER, clientTls, LeanPool.IDLE_NANOS_MAX);
            URI byAddress = URI.create("https://127.0.0.1:" + upstream.port() + "/v1/messages"); // the certificate names localhost only
            assertThatThrownBy(() -> client.post(byAddress, Map.of(), "{}".getBytes(), 5000)).isInstanceOf(SSLHandshakeException.class);
            assertThat(upstream.requests).isEmpty();
        }
    }

    @Test
    void refusesAnUntrustedCertificateWithTheDefaultContext() throws Exception {
        try (RawUpstream upstream = new RawUpstream(tlsServer(new CopyOnWriteArrayList<>()), (req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{}"));
            return true;
        })) {
            UpstreamHttp client = UpstreamHttp.create(LeanUpstreamHttpTest.SERVER, true);
            URI uri = URI.create("https://localhost:" + upstream.port() + "/v1/messages");
            assertThatThrownBy(() -> client.post(uri, Map.of(), "{}".getBytes(), 5000)).isInstanceOf(SSLHandshakeException.class);
        }
    }
}
