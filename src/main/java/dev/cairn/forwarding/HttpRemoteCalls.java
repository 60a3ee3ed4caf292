package dev.cairn.forwarding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.NodeUnreachableException;
import dev.cairn.api.NodeUnreachableException.Delivery;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Operation;
import dev.cairn.runtime.RemoteCalls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends a typed operation to the node that owns its object, as the REST request the contract gives it
 * ({@code /objects/<ns>/<name><path>} when the id was made from a name, else {@code /ids/<ns>/<hex><path>}),
 * marked with {@code Cairn-Forwarded-By} so that the owner runs it rather than passing it on; the
 * answer becomes the result or the exception of a local call ({@link RemoteAnswers}).
 *
 * <p>Connections come from {@code http}, a pooled keep-alive Vert.x client. A node that cannot be
 * connected to within {@code timeout} fails the call with {@link NodeUnreachableException}
 * ({@link Delivery#NOT_SENT}); one that does not answer within {@code timeout} once the request is sent
 * fails it too ({@link Delivery#UNKNOWN}: the call may have run). Thread-safe; stages complete on the
 * client's event-loop threads.
 */
final class HttpRemoteCalls implements RemoteCalls {

    private final HttpClient http;
    private final NodeAddresses nodes;
    private final ObjectMapper json;
    private final RemoteAnswers answers;
    private final long timeoutMillis;

    HttpRemoteCalls(HttpClient http, NodeAddresses nodes, ObjectMapper json, Duration timeout) {
        this.http = http;
        this.nodes = nodes;
        this.json = json;
        this.answers = new RemoteAnswers(json);
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public <R> CompletionStage<R> send(String node, ObjectId id, Operation<?, R> operation) {
        URI base;
        Buffer body;
        try {
            base = nodes.of(node);
            body = operation.body() == null ? null : Buffer.buffer(json.writeValueAsBytes(operation.body()));
        } catch (IllegalArgumentException | JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot send " + operation + " to node "
                    + node + ": " + e.getMessage(), e));
        }
        String url = base.toString() + objectPath(id) + operation.target();
        String request = operation.route().method() + " " + url;
        var options = new RequestOptions().setMethod(HttpMethod.valueOf(operation.route().method())).setAbsoluteURI(url)
                .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis)
                .putHeader(ForwardingHeaders.FORWARDED_BY, nodes.self()).putHeader("Accept", "application/json");
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        var answer = new CompletableFuture<R>();
        http.request(options).onComplete(connected -> {
            if (connected.failed()) {
                answer.completeExceptionally(unreachable(node, base, Delivery.NOT_SENT, connected.cause()));
                return;
            }
            HttpClientRequest sending = connected.result();
            (body == null ? sending.send() : sending.send(body))
                    .compose(response -> response.body().map(bytes -> read(node, request, operation, response.statusCode(), bytes)))
                    .onComplete(done -> {
                        if (done.succeeded()) {
                            done.result().complete(answer);
                        } else {
                            answer.completeExceptionally(unreachable(node, base, Delivery.UNKNOWN, done.cause()));
                        }
                    });
        });
        return answer;
    }

    /** The object's own URL prefix on any node: by name when the caller had its name, else by id. */
    static String objectPath(ObjectId id) {
        String ns = encoded(id.namespace());
        return id.name().map(name -> "/objects/" + ns + "/" + encoded(name)).orElseGet(() -> "/ids/" + ns + "/" + id);
    }

    private static String encoded(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An answer, read: its result or its failure, kept apart from a failure to get an answer at all. */
    private <R> Read<R> read(String node, String request, Operation<?, R> operation, int status, Buffer body) {
        byte[] bytes = body.getBytes();
        if (status / 100 != 2) {
            return new Read.Failed<>(answers.failure(node, request, status, bytes));
        }
        try {
            return new Read.Answered<>(answers.result(operation.route().result(), status, bytes));
        } catch (java.io.IOException e) {
            return new Read.Failed<>(new IllegalStateException("node " + node + " answered " + request + " with a body that is not "
                    + operation.route().result() + ": " + e.getMessage(), e));
        }
    }

    private sealed interface Read<R> {
        void complete(CompletableFuture<R> answer);

        record Answered<R>(R value) implements Read<R> {
            @Override
            public void complete(CompletableFuture<R> answer) {
                answer.complete(value);
            }
        }

        record Failed<R>(RuntimeException failure) implements Read<R> {
            @Override
            public void complete(CompletableFuture<R> answer) {
                answer.completeExceptionally(failure);
            }
        }
    }

    private static NodeUnreachableException unreachable(String node, URI url, Delivery delivery, Throwable cause) {
        String what = switch (delivery) {
            case NOT_SENT -> "could not be connected to; the call was not sent";
            case UNKNOWN -> "did not answer; the call may or may not have run there";
        };
        return new NodeUnreachableException(node, delivery, "node " + node + " (" + url + ") " + what + " ("
                + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()) + ")", cause);
    }
}
