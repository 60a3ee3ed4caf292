package dev.cairn.forwarding;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.Result;
import dev.cairn.api.StorageException;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads another node's answer to an operation back as what a local call would give: a 2xx as the
 * operation's result, a problem (what {@link Problems} wrote over there) as the same exception the
 * owner's object or node raised. Stateless and thread-safe.
 */
final class RemoteAnswers {
    private final ObjectMapper json;

    RemoteAnswers(ObjectMapper json) {
        this.json = json;
    }

    /** The result of a 2xx answer: nothing for a 204 or an operation without a result, else the body read as {@code result}. */
    <R> R result(Result<R> result, int status, byte[] body) throws IOException {
        if (result instanceof Result.None || status == 204 || body.length == 0) {
            return null;
        }
        return json.readValue(body, type(result));
    }

    /** The Jackson type of a result's shape. */
    JavaType type(Result<?> result) {
        TypeFactory types = json.getTypeFactory();
        return switch (result) {
            case Result.None none -> types.constructType(Void.class);
            case Result.Of<?> of -> types.constructType(of.type());
            case Result.ListOf<?> list -> types.constructCollectionType(List.class, type(list.element()));
            case Result.MapOf<?> map -> types.constructMapType(Map.class, types.constructType(String.class), type(map.value()));
        };
    }

    /**
     * The exception of an answer that is not 2xx, from its problem body: an object's refusal as a
     * {@link Refusal} of its status and message; overload and shutdown as {@link OverloadedException};
     * an object's failure as {@link ObjectException}; a failed commit as a retryable {@link StorageException};
     * an event past its time limit as {@link EventTimeoutException};
     * a request the owner found wrong as {@link IllegalArgumentException}. Anything else (a body that is
     * no problem, a failure of Cairn itself) is an {@link IllegalStateException} naming the node and
     * what it answered. {@code request} is the method and URL, for those messages.
     */
    RuntimeException failure(String node, String request, int status, byte[] body) {
        JsonNode problem;
        try {
            problem = json.readTree(body);
        } catch (IOException notJson) {
            problem = null;
        }
        if (problem == null || !problem.path("type").isTextual()) {
            return new IllegalStateException("node " + node + " answered " + status + " to " + request
                    + " without a problem body: " + excerpt(body));
        }
        String type = problem.path("type").asText();
        String detail = problem.path("detail").asText("(no detail)");
        boolean remote = problem.path("remote").asBoolean(false);
        if (type.equals(ProblemType.STORAGE_LIMIT.uri().toString())) {
            return new ObjectException(detail, null);
        }
        if (remote && refusal(status) != null) {
            return Refusal.of(refusal(status), detail);
        }
        if (type.equals(ProblemType.OVERLOADED.uri().toString())) {
            return new OverloadedException(detail, false);
        }
        if (type.equals(ProblemType.SHUTTING_DOWN.uri().toString())) {
            return new OverloadedException(detail, true);
        }
        if (type.equals(ProblemType.COMMIT_FAILED.uri().toString())) {
            return new StorageException(detail, null, true);
        }
        if (type.equals(ProblemType.EVENT_TIMEOUT.uri().toString())) {
            return new EventTimeoutException(detail, status == 503 ? EventTimeoutException.Role.SAME_BATCH : EventTimeoutException.Role.THIS_EVENT);
        }
        if (remote) {
            // object-error, storage-limit, an upgrade refused: the object's own failure, its message kept.
            return new ObjectException(detail, null);
        }
        if (status == 400) {
            return new IllegalArgumentException(detail);
        }
        if (status == 503) {
            // Refused without running (the owner disagrees that it owns the object, or cannot reach its own disk): retry later.
            return new OverloadedException("node " + node + ": " + detail, false);
        }
        return new IllegalStateException("node " + node + " answered " + status + " (" + type + ") to " + request + ": " + detail);
    }

    private static Refusal.Status refusal(int status) {
        for (Refusal.Status s : Refusal.Status.values()) {
            if (s.code() == status) {
                return s;
            }
        }
        return null;
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return body.length == 0 ? "(empty)" : text + (body.length > 200 ? "…" : "");
    }
}
