package dev.tollgate.limits.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActualsTest {
    final Counter c = new Counter("account", "a", "tokens");

    @Test
    void fitsAtTheLimitAndNotOneAbove() {
        assertThat(Actuals.fits(new Claim(c, 10, 3), 5, 2)).isTrue();
        assertThat(Actuals.fits(new Claim(c, 10, 4), 5, 2)).isFalse();
        assertThat(Actuals.fits(new Claim(c, 10, 0), 50, 2)).isTrue(); // zero only tracks
        assertThat(Actuals.fits(new Claim(c, 10, 1), 11, 0)).isFalse(); // already over by a settle's excess
    }

    @Test
    void hugeLimitsAndAmountsNeverOverflowIntoAnAdmission() {
        assertThat(Actuals.fits(new Claim(c, Long.MAX_VALUE, Long.MAX_VALUE), 1, 0)).isFalse();
        assertThat(Actuals.fits(new Claim(c, Long.MAX_VALUE, 1), Long.MAX_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(Actuals.fits(new Claim(c, Long.MAX_VALUE, Long.MAX_VALUE - 1), 1, 0)).isTrue();
    }
}
