package dev.tollgate.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web dashboard (CONTRACT §9, docs/dashboard.md): {@code GET /} and the files named in
 * {@code /web/assets.list}, served from the jar, each as one exact route (no catch-all, so an unknown
 * path is RouteFallback's 404). Files are read once at start; every answer carries a strict
 * Content-Security-Policy (scripts and styles only from this origin, nothing inline, calls only to this
 * origin) and an ETag, and is revalidated on each load ({@code no-cache}): a replaced jar never mixes
 * old and new modules, and an unchanged file costs one 304.
 */
public final class Dashboard {
    /** The only origin scripts, styles and fetches may use; {@code data:} images are the SVG charts' exports. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String ASSETS_PREFIX = "/ui/";
    private static final String RESOURCE_DIR = "/web/";

    private record Asset(byte[] body, String contentType, String etag) {}

    private Dashboard() {}

    /** Registers {@code GET /} and one {@code GET /ui/NAME} route per listed asset. */
    public static void routing(HttpRouting.Builder router) {
        router.get("/", serve(load("index.html")));
        for (Map.Entry<String, Asset> e : assets().entrySet()) router.get(ASSETS_PREFIX + e.getKey(), serve(e.getValue()));
    }

    private static Map<String, Asset> assets() {
        Map<String, Asset> out = new LinkedHashMap<>();
        String list = new String(read("assets.list"), StandardCharsets.UTF_8);
        for (String line : list.split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) continue;
            if (!name.matches("[a-z0-9-]+\\.(js|css|svg|png)")) throw new IllegalStateException("bad asset name " + name);
            out.put(name, load(name));
        }
        return out;
    }

    private static io.helidon.webserver.http.Handler serve(Asset a) {
        return (ServerRequest req, ServerResponse res) -> {
            res.header(HeaderNames.create("Content-Security-Policy"), CSP);
            res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
            res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
            res.header(HeaderNames.create("X-Frame-Options"), "DENY");
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.header(HeaderNames.ETAG, a.etag());
            boolean fresh = req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(a.etag())).orElse(false);
            if (fresh) {
                res.status(304).send();
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, a.contentType());
            res.send(a.body());
        };
    }

    private static Asset load(String name) {
        byte[] body = read(name);
        return new Asset(body, contentType(name), "\"" + sha256(body).substring(0, 24) + "\"");
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            default -> throw new IllegalStateException("no content type for " + name);
        };
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) throw new IllegalStateException("dashboard asset missing from the jar: " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
