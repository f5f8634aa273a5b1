package dev.tollgate.state.presets;

import java.util.List;
import java.util.Optional;

/**
 * Where presets live. A slug is unique per account; an account sees its own presets and the public ones of others,
 * and changes only its own: another account's private preset is indistinguishable from one that never existed.
 */
public interface PresetStore {
    /** False when the account already has a preset with that slug. */
    boolean create(Preset preset);

    /** The account's own preset with that slug, else another account's public one (the oldest, if several). */
    Optional<Preset> visible(String accountId, String slug);

    Optional<Preset> own(String accountId, String slug);

    /** The account's own presets, then the public ones of other accounts, each by slug. */
    List<Preset> list(String accountId);

    int count(String accountId);

    /** Stores {@code preset} over the account's one with the same slug if its version is still {@code expectedVersion}. */
    boolean update(Preset preset, int expectedVersion);

    boolean delete(String accountId, String slug);
}
