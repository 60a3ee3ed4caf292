package dev.cairn.runtime;

import dev.cairn.alarms.AlarmWork;
import dev.cairn.api.Completion;
import dev.cairn.api.FetchRequest;
import dev.cairn.api.ObjectCall;
import dev.cairn.api.Outcome;
import dev.cairn.sockets.SocketEvent;

/**
 * Everything an object receives, each run as one event of the object by {@link ObjectLoop}'s one
 * exhaustive switch. Immutable.
 */
sealed interface Event {
    /** A method call through a stub (a REST resource or another object). */
    record Call(ObjectCall<Object, Object> method) implements Event {}

    /** An HTTP request for the object's {@link dev.cairn.api.FetchHandler}. */
    record Fetch(FetchRequest request) implements Event {}

    /** Work the alarm scheduler does inside the object (run the handler, drop or check its alarm). */
    record Alarm(AlarmWork work) implements Event {}

    /** Something that happened on one of the object's sockets (upgrade, open, message, error, close). */
    record Socket(SocketEvent event) implements Event {}

    /**
     * The outcome of work the object ran outside its events, for {@code then} of the instance whose
     * context is {@code startedBy} (dropped when that instance is gone).
     */
    record Resume(Completion<Object> then, Outcome<Object> outcome, LiveContext startedBy) implements Event {}

    /** Code of a test reaching inside the object with its context ({@code runIn} of the test kit). */
    record Within(ObjectWork<Object, Object> work) implements Event {}

    /**
     * An administrator's read of the object's database and sockets ({@link Node#administer}); it never
     * throws, so that a refused query does not reset the instance: a failure is its result.
     */
    record Admin(AdminWork<Object> work) implements Event {}

    /**
     * An administrator's use of the object's bookmarks ({@link Node#bookmarks}): a restore asked for
     * this way resets the instance after the batch, so the object restarts restored at its next event.
     */
    record Bookmark(java.util.function.Function<dev.cairn.history.Bookmarks, Object> work) implements Event {}

    /**
     * An administrator deletes the object ({@link Node#delete}): every table and entry and its alarm in
     * one commit, its sockets closed, its instance dropped; then its files. Always alone in its batch.
     */
    record Delete() implements Event {}
}
