package dev.tollgate.state.images;

import dev.tollgate.state.Page;
import java.util.Optional;

/**
 * Where generated images live. Every read and delete names the account: an id of another account is
 * indistinguishable from an id that never existed.
 */
public interface ImageStore {
    /**
     * Keeps {@code image} (and {@code data}, null when there are no bytes), then deletes the account's oldest images
     * until its kept bytes are at most {@code maxBytesPerAccount}; returns how many were deleted.
     */
    int save(StoredImage image, byte[] data, long maxBytesPerAccount);

    /** The account's images, newest first, after the one named by {@code afterId} (null: from the newest). */
    Page<StoredImage> list(String accountId, String afterId, int limit);

    Optional<StoredImage> find(String accountId, String id);

    /** The image's bytes; empty when the account has no such image or it was kept as a URL only. */
    Optional<byte[]> data(String accountId, String id);

    boolean delete(String accountId, String id);
}
