package dev.tollgate.limits.alerts;

/** What fires at most once: one threshold of one metric of one subject in one period. */
record AlertKey(String scope, String subject, String metric, int threshold, String period) {}
