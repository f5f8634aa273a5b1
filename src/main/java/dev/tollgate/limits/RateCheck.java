package dev.tollgate.limits;

/**
 * One limit a request must fit: {@code amount} of a {@code limit} per minute (rpm: 1 request; tpm: its
 * worst-case tokens), or one of {@code limit} slots in flight (parallel). {@code subject} names the bucket
 * ("key:ID" or "account:ID"), so a key and its account each have their own.
 */
public record RateCheck(Kind kind, String subject, int limit, long amount) {
    public enum Kind {
        RPM("requests per minute", "rpm"), TPM("tokens per minute", "tpm"), PARALLEL("requests in flight", "max_parallel");

        final String description;
        final String configName;

        Kind(String description, String configName) {
            this.description = description;
            this.configName = configName;
        }
    }

    public RateCheck {
        if (limit < 1 || amount < 0) throw new IllegalArgumentException("bad check " + kind + " " + limit + "/" + amount);
    }

    /** The bucket's name in a store: subject and kind ("key:key_1:rpm"). */
    String bucket() { return subject + ":" + kind.configName; }
}
