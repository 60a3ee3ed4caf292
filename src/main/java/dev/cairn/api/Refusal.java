package dev.cairn.api;

/**
 * Thrown by object code to refuse a request with a status the contract declares.
 * (Provisional: the runtime semantics land separately.)
 */
public final class Refusal extends CairnException {

    /** The statuses an object may refuse with. */
    public enum Status {
        BAD_REQUEST(400), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), PRECONDITION_FAILED(412), UNPROCESSABLE(422), TOO_MANY_REQUESTS(429);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final Status status;

    private Refusal(Status status, String message) {
        super(message, null);
        this.status = status;
    }

    public static Refusal of(Status status, String message) {
        return new Refusal(status, message);
    }

    public static Refusal badRequest(String message) {
        return of(Status.BAD_REQUEST, message);
    }

    public static Refusal forbidden(String message) {
        return of(Status.FORBIDDEN, message);
    }

    public static Refusal notFound(String message) {
        return of(Status.NOT_FOUND, message);
    }

    public static Refusal conflict(String message) {
        return of(Status.CONFLICT, message);
    }

    public static Refusal preconditionFailed(String message) {
        return of(Status.PRECONDITION_FAILED, message);
    }

    public static Refusal unprocessable(String message) {
        return of(Status.UNPROCESSABLE, message);
    }

    public static Refusal tooManyRequests(String message) {
        return of(Status.TOO_MANY_REQUESTS, message);
    }

    public Status status() {
        return status;
    }

    @Override
    public boolean retryable() {
        return status == Status.TOO_MANY_REQUESTS;
    }

    @Override
    public boolean remote() {
        return true;
    }
}
