package dev.cairn.rest;

import dev.cairn.api.Refusal;
import java.net.URI;

/**
 * Every kind of problem Cairn answers with, each a stable {@code type} URI and its title (the list
 * docs/rest.md shows). Clients match on the URI; the status is the answer's, the detail this
 * occurrence's.
 */
public enum ProblemType {
    BAD_REQUEST("bad-request", "Bad request"),
    VALIDATION("validation", "Request does not match the contract"),
    MALFORMED_JSON("malformed-json", "Malformed JSON"),
    STORAGE_LIMIT("storage-limit", "Storage limit exceeded"),
    UNAUTHORIZED("unauthorized", "Unauthorized"),
    KEYS_UNAVAILABLE("keys-unavailable", "Verification keys unavailable"),
    FORBIDDEN("forbidden", "Forbidden"),
    NOT_FOUND("not-found", "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable"),
    CONFLICT("conflict", "Conflict"),
    PRECONDITION_FAILED("precondition-failed", "Precondition failed"),
    PAYLOAD_TOO_LARGE("payload-too-large", "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type"),
    UNPROCESSABLE("unprocessable", "Unprocessable request"),
    TOO_MANY_REQUESTS("too-many-requests", "Too many requests"),
    TOO_MANY_SOCKETS("too-many-sockets", "Too many sockets"),
    UPGRADE_REFUSED("upgrade-refused", "WebSocket upgrade refused"),
    OBJECT_ERROR("object-error", "Object error"),
    ABORTED("aborted", "Object aborted"),
    EVENT_TIMEOUT("event-timeout", "Event ran past its time limit"),
    INTERNAL("internal", "Internal error"),
    OVERLOADED("overloaded", "Overloaded"),
    SHUTTING_DOWN("shutting-down", "Shutting down"),
    COMMIT_FAILED("commit-failed", "Commit failed"),
    OWNER_UNREACHABLE("owner-unreachable", "Owner unreachable"),
    MISDIRECTED("misdirected", "Misdirected request"),
    NOT_LEADER("not-leader", "Not the leader"),
    COMMIT_UNCERTAIN("commit-uncertain", "Commit outcome unknown");

    private static final String BASE = "https://cairn.dev/problems/";

    private final URI uri;
    private final String title;

    ProblemType(String slug, String title) {
        this.uri = URI.create(BASE + slug);
        this.title = title;
    }

    public URI uri() {
        return uri;
    }

    public String title() {
        return title;
    }

    /** An object's refusal: the type of its status. */
    public static ProblemType of(Refusal.Status status) {
        return switch (status) {
            case BAD_REQUEST -> BAD_REQUEST;
            case FORBIDDEN -> FORBIDDEN;
            case NOT_FOUND -> NOT_FOUND;
            case CONFLICT -> CONFLICT;
            case PRECONDITION_FAILED -> PRECONDITION_FAILED;
            case UNPROCESSABLE -> UNPROCESSABLE;
            case TOO_MANY_REQUESTS -> TOO_MANY_REQUESTS;
        };
    }

    /** A status the HTTP stack answered by itself (405, 415, …): its type, or the generic one of its class. */
    public static ProblemType ofStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 412 -> PRECONDITION_FAILED;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 422 -> UNPROCESSABLE;
            case 429 -> TOO_MANY_REQUESTS;
            case 503 -> OVERLOADED;
            default -> status < 500 ? BAD_REQUEST : INTERNAL;
        };
    }
}
