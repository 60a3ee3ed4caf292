package dev.cairn.api;

/** The body of a {@link Storage#transaction}; may return {@code null}. */
@FunctionalInterface
public interface Transactional<T> {
    T run(Transaction txn) throws Exception;
}
