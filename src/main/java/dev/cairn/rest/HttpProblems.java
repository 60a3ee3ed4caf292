package dev.cairn.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.rest.model.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The answers the HTTP server gives before (or instead of) any REST resource, as problems too: a body
 * larger than {@code quarkus.http.limits.max-body-size} (413; the server's own check answers an empty
 * 413 and closes, this one runs just before it with the same rule and says why), and a path no route
 * serves (404). Stateless; its handlers run on event-loop threads.
 */
@Singleton
final class HttpProblems {
    /** Before Quarkus' own body-size check (order -2), which answers with an empty body. */
    private static final int BEFORE_BODY_SIZE_CHECK = -3;

    private final ObjectMapper json;
    private final Optional<MemorySize> maxBodySize;

    HttpProblems(ObjectMapper json, @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize) {
        this.json = json;
        this.maxBodySize = maxBodySize;
    }

    void routes(@Observes Router router) {
        maxBodySize.ifPresent(max -> router.route().order(BEFORE_BODY_SIZE_CHECK).handler(ctx -> refuseLargeBody(ctx, max)));
        router.route().last().handler(this::notFound);
    }

    private void refuseLargeBody(RoutingContext ctx, MemorySize max) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long bytes;
        try {
            bytes = length == null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            bytes = -1; // the server refuses a malformed length itself
        }
        if (bytes <= max.asLongValue()) {
            ctx.next();
            return;
        }
        // Like the server's own check: the body is not read, so the connection cannot be reused.
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        write(ctx.response(), Problems.of(ProblemType.PAYLOAD_TOO_LARGE, 413, "the request body is " + bytes
                + " bytes; at most " + max.asLongValue() + " are accepted (quarkus.http.limits.max-body-size)", path(ctx)));
    }

    private void notFound(RoutingContext ctx) {
        write(ctx.response(), Problems.of(ProblemType.NOT_FOUND, 404, "no such namespace, operation or resource: "
                + path(ctx), path(ctx)));
    }

    private void write(HttpServerResponse response, Problem problem) {
        Problems.answer(response, json, problem);
    }

    private static String path(RoutingContext ctx) {
        return ctx.request().path();
    }
}
