package dev.cairn.api;

import java.util.Arrays;

/**
 * Object code refuses a request, with a status the contract declares for it:
 * {@code throw Refusal.conflict("seat 12 is already booked")}.
 *
 * <p>Unlike any other exception thrown by object code, a refusal is an answer, not a failure: the
 * event's writes are rolled back (those of the other events of its batch commit), but the instance is
 * kept as it is (no reset, its fields stay) and the call is not counted as an object error. The
 * caller gets this very exception: {@link Stub#call} throws it, {@link Stub#send}'s stage completes
 * with it, and over REST it is a problem with its status ({@code remote: true}, the message as its
 * {@code detail}). An object that lets a refusal from a call it made propagate refuses its own event
 * the same way.
 *
 * <p>In an alarm handler a refusal is a failed attempt, retried like any failure (the instance is
 * kept); in a WebSocket upgrade it refuses the upgrade with its status; in any other socket event it
 * closes the socket with code 1008 and the message as the reason. Immutable.
 */
public final class Refusal extends CairnException {

    /** The statuses an object may refuse with; each is an HTTP status a contract can declare. */
    public enum Status {
        BAD_REQUEST(400),
        FORBIDDEN(403),
        NOT_FOUND(404),
        CONFLICT(409),
        PRECONDITION_FAILED(412),
        UNPROCESSABLE(422),
        TOO_MANY_REQUESTS(429);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** The HTTP status code. */
        public int code() {
            return code;
        }
    }

    private final Status status;

    private Refusal(Status status, String message) {
        super(requireMessage(message), null);
        this.status = status;
    }

    /** A refusal with {@code status}; {@code message} tells the caller why (and what would be accepted). */
    public static Refusal of(Status status, String message) {
        if (status == null) {
            throw new IllegalArgumentException("a refusal needs a status, one of " + Arrays.toString(Status.values()));
        }
        return new Refusal(status, message);
    }

    /** 400: the request is wrong whatever the object's state. */
    public static Refusal badRequest(String message) {
        return of(Status.BAD_REQUEST, message);
    }

    /** 403: the caller may not do this. */
    public static Refusal forbidden(String message) {
        return of(Status.FORBIDDEN, message);
    }

    /** 404: the object holds no such thing. */
    public static Refusal notFound(String message) {
        return of(Status.NOT_FOUND, message);
    }

    /** 409: the request conflicts with the object's current state. */
    public static Refusal conflict(String message) {
        return of(Status.CONFLICT, message);
    }

    /** 412: a condition the caller set (a version, an etag) does not hold. */
    public static Refusal preconditionFailed(String message) {
        return of(Status.PRECONDITION_FAILED, message);
    }

    /** 422: well-formed, but the object cannot act on it. */
    public static Refusal unprocessable(String message) {
        return of(Status.UNPROCESSABLE, message);
    }

    /** 429: the caller asks too often; it may retry later. */
    public static Refusal tooManyRequests(String message) {
        return of(Status.TOO_MANY_REQUESTS, message);
    }

    public Status status() {
        return status;
    }

    /** Only a 429 may succeed when sent again unchanged. */
    @Override
    public boolean retryable() {
        return status == Status.TOO_MANY_REQUESTS;
    }

    /** The message is the object's. */
    @Override
    public boolean remote() {
        return true;
    }

    private static String requireMessage(String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a refusal needs a message saying why the request was refused");
        }
        return message;
    }
}
