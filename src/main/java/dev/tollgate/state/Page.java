package dev.tollgate.state;

import java.util.List;

/** One page of a list (a conversation's items, an account's conversations or images), and whether more follow. */
public record Page<T>(List<T> data, boolean hasMore) {}
