package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryAfterTest {
    static final ProviderException RATE_LIMITED = UpstreamErrors.fromStatus("p", 429, new byte[0]);

    @Test
    void millisecondsHeaderWinsThenDeltaSecondsAndTheKindIsKept() {
        assertThat(UpstreamErrors.withRetryAfter(RATE_LIMITED, "250", "7").retryAfterMs()).isEqualTo(250);
        ProviderException e = UpstreamErrors.withRetryAfter(RATE_LIMITED, null, "7");
        assertThat(e.retryAfterMs()).isEqualTo(7_000);
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.RATE_LIMITED);
        assertThat(e.upstreamStatus()).isEqualTo(429);
        assertThat(e.getMessage()).isEqualTo(RATE_LIMITED.getMessage());
        assertThat(UpstreamErrors.withRetryAfter(RATE_LIMITED, null, "0.5").retryAfterMs()).isEqualTo(500);
    }

    @Test
    void datesJunkNegativesAndAbsenceCarryNothingAndHugeValuesAreCapped() {
        assertThat(UpstreamErrors.withRetryAfter(RATE_LIMITED, null, "Wed, 21 Oct 2026 07:28:00 GMT")).isSameAs(RATE_LIMITED);
        assertThat(UpstreamErrors.withRetryAfter(RATE_LIMITED, "soon", "-3")).isSameAs(RATE_LIMITED);
        assertThat(UpstreamErrors.withRetryAfter(RATE_LIMITED, null, null)).isSameAs(RATE_LIMITED);
        assertThat(UpstreamErrors.withRetryAfter(RATE_LIMITED, null, "99999999").retryAfterMs()).isEqualTo(3_600_000);
    }
}
