package dev.cairn.runtime;

import dev.cairn.api.ObjectSockets;
import dev.cairn.storage.ObjectDatabase;
import java.time.Duration;

/**
 * What an administrator reads inside an object ({@link Node#administer}): run as one of its events, so
 * never beside another, on its database and sockets, without constructing its instance. {@code timeLimit}:
 * how long a query may run, well inside the event's own time limit, so that the event is never timed out
 * (which would reset the object's instance).
 */
@FunctionalInterface
public interface AdminWork<R> {
    R run(ObjectDatabase database, ObjectSockets sockets, Duration timeLimit);
}
