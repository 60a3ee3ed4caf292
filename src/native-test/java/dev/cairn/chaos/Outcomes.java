package dev.cairn.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Set;

/**
 * Sorts the answers to an increment into {@link Outcome}s: what is certain, what is not. Errs towards
 * {@link Outcome.Unknown}: counting an applied increment as failed would make the checker report a
 * phantom write that never was. Stateless.
 */
final class Outcomes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEMS = "https://cairn.dev/problems/";
    /**
     * 503 problems answered before the call ran: a full or stopped mailbox and a node shutting down
     * refuse it before it is queued or run (rest.Problems: OverloadedException); {@code misdirected}
     * refuses a forwarded call before placing it; {@code not-leader} answers a call that no leader ran,
     * or whose writes the deposed leader rolled back (api.NotLeaderException.Outcome.NOT_RUN). Every
     * other 503 ({@code commit-failed}, {@code commit-uncertain}, {@code owner-unreachable} after the
     * call went out) may have run.
     */
    private static final Set<String> NOT_RUN = Set.of(PROBLEMS + "overloaded", PROBLEMS + "shutting-down", PROBLEMS + "misdirected",
            PROBLEMS + "not-leader");
    /**
     * The detail of an {@code owner-unreachable} problem whose connection to the owner never opened
     * (service.OwnerProxy: a connect failure): the call was not sent. After a timeout or a connection
     * closed while waiting, it says otherwise.
     */
    private static final String NOT_SENT = "cannot be reached";

    private Outcomes() {}

    /** An HTTP answer to an increment: its status, the {@code Cairn-Owner} header (or null) and the body. */
    static Outcome ofAnswer(int status, String owner, String body) {
        if (status == 200) {
            JsonNode value = parse(body).path("value");
            return value.isIntegralNumber() ? new Outcome.Acked(value.asLong(), owner == null ? "?" : owner)
                    : new Outcome.Unknown("200 without an integer value: " + body);
        }
        JsonNode problem = parse(body);
        String type = problem.path("type").asText("");
        String said = status + " " + (type.startsWith(PROBLEMS) ? type.substring(PROBLEMS.length()) : type.isEmpty() ? "(no problem type)" : type);
        if (status >= 400 && status < 500) {
            return new Outcome.Failed(said);
        }
        if (status == 503 && (NOT_RUN.contains(type)
                || type.equals(PROBLEMS + "owner-unreachable") && problem.path("detail").asText("").contains(NOT_SENT))) {
            return new Outcome.Failed(said);
        }
        return new Outcome.Unknown(said);
    }

    /**
     * A request that got no answer: not sent when no connection could be made, else maybe run
     * (a timeout, a connection closed or reset after the request went out).
     */
    static Outcome ofFailure(IOException failure) {
        return switch (failure) {
            case HttpConnectTimeoutException c -> new Outcome.Failed("connect timeout");
            case ConnectException c -> new Outcome.Failed("connection refused");
            case HttpTimeoutException t -> new Outcome.Unknown("timeout");
            default -> failure.getCause() instanceof ConnectException ? new Outcome.Failed("connection refused")
                    : new Outcome.Unknown(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        };
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
