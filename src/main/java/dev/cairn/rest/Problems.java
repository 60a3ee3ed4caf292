package dev.cairn.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.CallCycleException;
import dev.cairn.api.InvalidIdException;
import dev.cairn.api.NodeUnreachableException;
import dev.cairn.api.NotLeaderException;
import dev.cairn.api.AbortedException;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.StorageException;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.rest.model.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CompletionException;

/**
 * Builds the contract's {@link Problem} bodies (RFC 9457), and holds the one mapping of a failed call
 * to its status and type, shared by the REST endpoints and the WebSocket upgrade. Stateless.
 */
public final class Problems {
    /** The media type of every problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /**
     * Seconds a client waits before sending a refused call again ({@code Retry-After}). An object's full
     * mailbox drains well within it (a batch takes milliseconds), a failover or a planned move is over
     * in about as long, and a client that waits this long no longer deepens the overload it met, which
     * is why Cloudflare advises against retrying an overloaded object at once.
     */
    public static final String RETRY_AFTER_SECONDS = "1";

    private Problems() {}

    /** A problem of {@code type}, answered with {@code status}, about the request to {@code instance} (its path). */
    public static Problem of(ProblemType type, int status, String detail, String instance) {
        return new Problem(type.uri(), type.title(), status, detail, instance, false, false, false);
    }

    /** Answers {@code response} with {@code problem}: its status, the problem media type and the body, unless it already ended. */
    public static void answer(HttpServerResponse response, ObjectMapper json, Problem problem) {
        if (response.ended()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem body cannot be written as JSON", e);
        }
        response.setStatusCode(problem.getStatus()).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE).end(body);
    }

    /** Whether an answer of {@code problem} carries {@code Retry-After}: a 429 or 503 to send again, at once or after backing off. */
    public static boolean hasRetryAfter(Problem problem) {
        return (problem.getStatus() == 503 || problem.getStatus() == 429)
                && (Boolean.TRUE.equals(problem.getRetryable()) || Boolean.TRUE.equals(problem.getOverloaded()));
    }

    /**
     * What a call that failed with {@code failure} answers: a refusal with its status; overload 503
     * (overloaded: back off, not retryable at once) and shutdown 503 (retryable); a write refused by a storage limit 400; any other exception of object
     * code 500; a commit that failed 503 (retryable); another node
     * of the cluster that did not answer 503 (retryable); bad ids and arguments 400; unknown namespaces,
     * operations and (admin) objects not stored 404. Anything else is a 500 the caller should log.
     */
    public static Problem ofFailure(Throwable failure, String instance) {
        Throwable f = failure;
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        return switch (f) {
            case CairnException c -> ofCairn(c, instance);
            case IllegalArgumentException i -> of(ProblemType.BAD_REQUEST, 400, messageOf(i), instance);
            // A namespace without a fetch handler: there is no such operation.
            case UnsupportedOperationException u -> of(ProblemType.NOT_FOUND, 404, messageOf(u), instance);
            // An admin request for an object this node does not store.
            case java.util.NoSuchElementException n -> of(ProblemType.NOT_FOUND, 404, messageOf(n), instance);
            default -> of(ProblemType.INTERNAL, 500, "internal error: " + f, instance);
        };
    }

    private static Problem ofCairn(CairnException e, String instance) {
        Problem p = switch (e) {
            case Refusal r -> of(ProblemType.of(r.status()), r.status().code(), r.getMessage(), instance);
            case OverloadedException o -> of(o.shuttingDown() ? ProblemType.SHUTTING_DOWN : ProblemType.OVERLOADED, 503,
                    o.getMessage(), instance);
            case ObjectException o when o.getCause() instanceof StorageException s && s.limit().isPresent() ->
                    of(ProblemType.STORAGE_LIMIT, 400, o.getMessage(), instance);
            case ObjectException o -> of(ProblemType.OBJECT_ERROR, 500, messageOf(o), instance);
            case AbortedException a -> of(ProblemType.ABORTED, 500, a.getMessage(), instance);
            case EventTimeoutException t -> of(ProblemType.EVENT_TIMEOUT, t.retryable() ? 503 : 500, t.getMessage(), instance);
            // Refused before reaching an object (bad list options), or a batch whose commit failed.
            case StorageException s -> s.retryable() ? of(ProblemType.COMMIT_FAILED, 503, s.getMessage(), instance)
                    : of(ProblemType.BAD_REQUEST, 400, s.getMessage(), instance);
            case InvalidIdException i -> of(ProblemType.BAD_REQUEST, 400, i.getMessage(), instance);
            case UnknownNamespaceException u -> of(ProblemType.NOT_FOUND, 404, u.getMessage(), instance);
            case CallCycleException c -> of(ProblemType.INTERNAL, 500, c.getMessage(), instance);
            case NodeUnreachableException n -> of(ProblemType.OWNER_UNREACHABLE, 503, n.getMessage(), instance);
            case NotLeaderException n -> of(switch (n.outcome()) {
                case NOT_RUN -> ProblemType.NOT_LEADER;
                case UNKNOWN -> ProblemType.COMMIT_UNCERTAIN;
            }, 503, n.getMessage(), instance);
        };
        return p.retryable(e.retryable()).overloaded(e.overloaded()).remote(e.remote());
    }

    private static String messageOf(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
