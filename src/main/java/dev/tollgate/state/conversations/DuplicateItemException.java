package dev.tollgate.state.conversations;

/** An item's id is already in its conversation (the caller named it twice): the whole write was refused. */
public final class DuplicateItemException extends RuntimeException {
    public DuplicateItemException(String conversationId) {
        super("an item id is already in conversation " + conversationId);
    }
}
