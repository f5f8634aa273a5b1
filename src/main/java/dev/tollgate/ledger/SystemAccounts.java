package dev.tollgate.ledger;

/** The ledger's own accounts. They may go negative (grants is the source of all credits). */
public final class SystemAccounts {
    public static final String PREFIX = "system:";
    public static final String GRANTS = "system:grants";
    public static final String REVENUE = "system:revenue";

    private SystemAccounts() {}

    static boolean isSystem(String account) {
        return account.startsWith(PREFIX);
    }

    /** User-facing operations name user accounts only; a system account there is a programmer error. */
    static String requireUser(String account) {
        if (account == null || account.isBlank() || isSystem(account)) {
            throw new IllegalArgumentException("not a user account: " + account);
        }
        return account;
    }
}
