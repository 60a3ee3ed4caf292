package dev.cairn.api;

/**
 * One RPC: what to do with the object instance. Usually a method reference or a lambda such as
 * {@code counter -> counter.increment(1)}; it runs on the object's thread, inside the call's
 * transaction.
 */
@FunctionalInterface
public interface ObjectCall<T, R> {
    R apply(T object) throws Exception;
}
