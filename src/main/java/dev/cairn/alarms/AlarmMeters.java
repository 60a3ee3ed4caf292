package dev.cairn.alarms;

/** Where alarm outcomes are counted (Micrometer in the service). Thread-safe. */
public interface AlarmMeters {
    /** A handler starts, {@code lateMillis} after its alarm was due. */
    void started(long lateMillis);

    void succeeded();

    void retried();

    void dropped();
}
