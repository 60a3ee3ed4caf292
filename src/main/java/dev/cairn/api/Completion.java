package dev.cairn.api;

/**
 * What an object does with the outcome of work it ran outside its events ({@link ObjectContext#outside}):
 * it runs as a new event of the same instance, on the object's thread, so it may use storage; its writes
 * commit like any event's, and a throw rolls them back and resets the instance.
 *
 * @param <T> the type of the work's value
 */
@FunctionalInterface
public interface Completion<T> {
    void complete(Outcome<T> outcome) throws Exception;
}
