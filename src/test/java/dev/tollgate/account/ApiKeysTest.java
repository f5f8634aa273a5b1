package dev.tollgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void secretsAreRecognisableUrlSafeAndUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String s = ApiKeys.newSecret();
            assertThat(s).matches("tg-[A-Za-z0-9_-]{43}");
            assertThat(ApiKeys.looksLikeKey(s)).isTrue();
            assertThat(seen.add(s)).isTrue();
        }
    }

    @Test
    void shapeCheckRejectsGarbage() {
        assertThat(ApiKeys.looksLikeKey(null)).isFalse();
        assertThat(ApiKeys.looksLikeKey("tg-short")).isFalse();
        assertThat(ApiKeys.looksLikeKey("sk-" + "a".repeat(40))).isFalse();
        assertThat(ApiKeys.looksLikeKey("tg-" + "a".repeat(40) + "!")).isFalse();
        assertThat(ApiKeys.looksLikeKey("tg-" + "a".repeat(300))).isFalse();
    }

    @Test
    void hashesCompareByValue() {
        String s = ApiKeys.newSecret();
        assertThat(ApiKeys.sameHash(ApiKeys.hashHex(s), ApiKeys.hashHex(s))).isTrue();
        assertThat(ApiKeys.sameHash(ApiKeys.hashHex(s), ApiKeys.hashHex(s + "x"))).isFalse();
        assertThat(ApiKeys.hashHex(s)).hasSize(64).doesNotContain(s.substring(3));
        // FIPS 180-2's test vector, twice: the shared digest is cloned, never reused with state left in it
        for (int i = 0; i < 2; i++) {
            assertThat(ApiKeys.hashHex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
    }
}
