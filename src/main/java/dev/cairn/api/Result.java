package dev.cairn.api;

import java.util.List;
import java.util.Map;

/**
 * The shape of what an {@link Operation} answers, so that an answer that crossed the network as JSON
 * can be read back as the Java type the operation declares: nothing, one class, a list or a map of
 * such shapes. Written by the generated stubs ({@code Result.of(CounterValue.class)},
 * {@code Result.listOf(Booking.class)}); the local path never looks at it. Immutable.
 *
 * @param <R> the Java type of the answer
 */
public sealed interface Result<R> {

    /** An operation that answers without a body ({@code void}). */
    record None() implements Result<Void> {}

    /** One value of {@code type}: a model class, a scalar ({@code Long}, {@code String}, …) or {@code Object} (any JSON). */
    record Of<R>(Class<R> type) implements Result<R> {}

    /** A JSON array whose items have the shape {@code element}. */
    record ListOf<E>(Result<E> element) implements Result<List<E>> {}

    /** A JSON object whose values have the shape {@code value}, keyed by its property names. */
    record MapOf<V>(Result<V> value) implements Result<Map<String, V>> {}

    None NONE = new None();

    static Result<Void> none() {
        return NONE;
    }

    static <R> Result<R> of(Class<R> type) {
        if (type == null) {
            throw new IllegalArgumentException("a result's type must not be null; use Result.none() for an operation without a body");
        }
        return new Of<>(type);
    }

    static <E> Result<List<E>> listOf(Class<E> element) {
        return new ListOf<>(of(element));
    }

    static <E> Result<List<E>> listOf(Result<E> element) {
        return new ListOf<>(element);
    }

    static <V> Result<Map<String, V>> mapOf(Class<V> value) {
        return new MapOf<>(of(value));
    }

    static <V> Result<Map<String, V>> mapOf(Result<V> value) {
        return new MapOf<>(value);
    }
}
