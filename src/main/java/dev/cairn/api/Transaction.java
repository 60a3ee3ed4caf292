package dev.cairn.api;

/** Handle passed to a {@link Storage#transaction} body. Valid only while the body runs. */
public interface Transaction {

    /**
     * Undoes the transaction when its body returns: every write it made, before or after this call,
     * is rolled back. The body's result is still returned.
     */
    void rollback();

    /** Whether {@link #rollback()} was called. */
    boolean isRollbackOnly();
}
