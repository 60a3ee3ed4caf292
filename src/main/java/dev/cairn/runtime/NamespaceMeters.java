package dev.cairn.runtime;

/** Where one namespace's events are counted (Micrometer in the service). Thread-safe. */
public interface NamespaceMeters {
    /** An event's reply: {@code failure} null when it succeeded. */
    void completed(Throwable failure);

    void mailboxFull();

    void queueDeadlinePassed();

    /** A batch of {@code events} committed in {@code nanos} (durable included). */
    void committed(long nanos, int events);
}
