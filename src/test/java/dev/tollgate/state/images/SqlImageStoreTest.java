package dev.tollgate.state.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The images table on both stores: bytes round-trip, the per-account size bound evicts the oldest, isolation. */
class SqlImageStoreTest {
    @TempDir
    static Path dir;

    static Stream<String> stores() {
        return Stream.of("sqlite", "postgres");
    }

    static StoredImage image(String id, String account, int bytes, long at) {
        return new StoredImage(id, account, "req", "painter", "p", null, "1024x1024", null, "image/png", bytes, null, at);
    }

    static byte[] data(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theOldestGoWhenAnAccountPassesItsBoundAndOthersAreUntouched(String kind) {
        try (Database db = kind.equals("sqlite") ? TestDatabases.sqlite(dir) : TestDatabases.postgres()) {
            ImageStore store = new SqlImageStore(db);
            String a = "acct-a-" + kind + System.nanoTime();
            String b = "acct-b-" + kind + System.nanoTime();
            assertThat(store.save(image("img_b1" + a, b, 400, 1), data(400, 9), 1000)).isZero();
            assertThat(store.save(image("img_1" + a, a, 400, 10), data(400, 1), 1000)).isZero();
            assertThat(store.save(image("img_2" + a, a, 400, 20), data(400, 2), 1000)).isZero();
            assertThat(store.save(new StoredImage("img_u" + a, a, "req", "painter", "p", null, null, null, null, 0,
                    "https://x.example/1.png", 25), null, 1000)).as("a URL takes no room").isZero();
            assertThat(store.save(image("img_3" + a, a, 400, 30), data(400, 3), 1000)).as("1200 > 1000: the oldest goes").isEqualTo(1);

            assertThat(store.find(a, "img_1" + a)).isEmpty();
            assertThat(store.data(a, "img_3" + a).orElseThrow()).isEqualTo(data(400, 3));
            assertThat(store.data(a, "img_u" + a)).isEmpty();
            assertThat(store.find(a, "img_u" + a).orElseThrow().url()).isEqualTo("https://x.example/1.png");
            assertThat(store.list(a, null, 10).data()).extracting(StoredImage::id)
                    .containsExactly("img_3" + a, "img_u" + a, "img_2" + a);
            assertThat(store.data(b, "img_b1" + a).orElseThrow()).as("another account's bound is its own").isEqualTo(data(400, 9));

            assertThat(store.find(b, "img_3" + a)).isEmpty();
            assertThat(store.data(b, "img_3" + a)).isEmpty();
            assertThat(store.delete(b, "img_3" + a)).isFalse();
            assertThat(store.delete(a, "img_3" + a)).isTrue();
            assertThat(store.find(a, "img_3" + a)).isEmpty();
        }
    }
}
