package dev.tollgate.state.conversations;

import java.util.List;

/** One page of a conversation's items (or of an account's conversations), and whether more follow. */
public record ItemPage<T>(List<T> data, boolean hasMore) {}
