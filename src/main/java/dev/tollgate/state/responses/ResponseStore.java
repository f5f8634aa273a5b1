package dev.tollgate.state.responses;

import java.util.Optional;

/**
 * Where stored responses live. Every read and delete names the account: an id of another account is
 * indistinguishable from an id that never existed.
 */
public interface ResponseStore {
    void save(StoredResponse response);

    Optional<StoredResponse> find(String accountId, String id);

    /** True when the account had a response with that id (now gone). */
    boolean delete(String accountId, String id);
}
