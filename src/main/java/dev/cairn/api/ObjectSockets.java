package dev.cairn.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The open WebSockets of one object ({@link ObjectContext#sockets()}), kept by Cairn outside the
 * instance so they survive hibernation. Use it only on the object's own thread.
 */
public interface ObjectSockets {

    /** A request answered by Cairn itself, without waking the object. */
    record AutoResponse(String request, String response) {}

    /** Every open socket, in the order they were opened. */
    List<ObjectSocket> all();

    /** The open sockets that carry {@code tag}. */
    List<ObjectSocket> withTag(String tag);

    /** How many sockets are open. */
    int count();

    /**
     * From now on, a text message equal to {@code request} on any of this object's sockets is answered
     * with {@code response} by Cairn, on the network thread, without an event (the object is not woken
     * from hibernation). Replaces any previous pair. Each at most 2,048 characters.
     */
    void setAutoResponse(String request, String response);

    /** Stops answering automatically. */
    void clearAutoResponse();

    /** The current pair, if any. */
    Optional<AutoResponse> autoResponse();

    /** When Cairn last answered {@code socket} automatically (the node's clock), if it ever did. */
    Optional<Instant> autoResponseTimestamp(ObjectSocket socket);

    /**
     * Longest time one socket event of this object may run (at most 7 days); null restores
     * {@code cairn.websockets.event-timeout}. An event still running then has its socket closed with 1011
     * at once, and when it returns it counts as failed: writes rolled back, sends dropped, instance reset.
     */
    void setEventTimeout(Duration timeout);

    /** The event timeout in force. */
    Duration eventTimeout();
}
