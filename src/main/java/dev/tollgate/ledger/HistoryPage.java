package dev.tollgate.ledger;

import java.util.List;

/** A page of history, newest first; {@code next} is the opaque cursor for the older page, or null. */
public record HistoryPage(List<HistoryEntry> data, String next) {}
