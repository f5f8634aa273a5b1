package dev.tollgate.account;

/** Another account already has this name (names are unique: the UNIQUE index decides, so races cannot slip by). */
public final class AccountNameTakenException extends RuntimeException {
    private final String name;

    public AccountNameTakenException(String name) {
        super("An account named '" + name + "' already exists; choose another name", null, false, false);
        this.name = name;
    }

    public String name() { return name; }
}
