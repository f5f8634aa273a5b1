package dev.tollgate.state.conversations;

import dev.tollgate.state.Page;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Where conversations and their items live. Every read and write names the account: an id of another
 * account is indistinguishable from an id that never existed. Items are JSON objects with an {@code id}.
 */
public interface ConversationStore {
    /** @throws DuplicateItemException when two items share an id */
    void create(Conversation conversation, List<ObjectNode> items);

    Optional<Conversation> find(String accountId, String id);

    /** The account's conversations, newest first, after the one named by {@code afterId} (null: from the newest). */
    Page<Conversation> list(String accountId, String afterId, int limit);

    /** Sets metadata and/or title (null: unchanged); false when the account has no such conversation. */
    boolean update(String accountId, String id, ObjectNode metadata, String title, long nowMs);

    /** Sets the title only if none was set meanwhile (an automatic title never overwrites the caller's). */
    boolean titleIfUnset(String accountId, String id, String title, long nowMs);

    /** Deletes the conversation and all its items; false when the account had none with that id. */
    boolean delete(String accountId, String id);

    /**
     * Appends items in order; false when the account has no such conversation.
     *
     * @throws DuplicateItemException when an item's id is already in the conversation (nothing is appended)
     */
    boolean append(String accountId, String id, List<ObjectNode> items, long nowMs);

    /** The newest {@code max} items, oldest first: the history a request continues. */
    List<ObjectNode> lastItems(String accountId, String id, int max);

    /** A page of items, ascending or descending, after the item {@code afterId} (null: from the start). */
    Page<ObjectNode> items(String accountId, String id, boolean ascending, String afterId, int limit);

    Optional<ObjectNode> item(String accountId, String id, String itemId);

    /** False when the conversation (of that account) has no such item. */
    boolean deleteItem(String accountId, String id, String itemId, long nowMs);
}
