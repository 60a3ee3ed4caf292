package dev.cairn.runtime;

import dev.cairn.api.ObjectContext;

/** Code run inside an object as one of its events, with the instance and its context (the test kit's {@code runIn}). */
@FunctionalInterface
public interface ObjectWork<T, R> {
    R run(T instance, ObjectContext context) throws Exception;
}
