package dev.cairn.api;

/**
 * How work an object ran outside its events ({@link ObjectContext#outside}) ended: the value it
 * returned, or what it threw. Immutable.
 *
 * @param <T> the type of the work's value
 */
public sealed interface Outcome<T> {

    /** The work returned {@code value} (null when it returned null). */
    record Success<T>(T value) implements Outcome<T> {}

    /**
     * The work threw {@code error}; an {@link InterruptedException} when it ran past
     * {@code cairn.objects.outside-work-limit} and was interrupted.
     */
    record Failure<T>(Exception error) implements Outcome<T> {}

    /** The value, or the error thrown again. */
    default T get() throws Exception {
        return switch (this) {
            case Success<T> s -> s.value();
            case Failure<T> f -> throw f.error();
        };
    }
}
