package dev.cairn.rest;

import dev.cairn.api.CairnException;
import dev.cairn.api.InvalidIdException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.StorageException;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.rest.model.ErrorBody;
import dev.cairn.rest.model.ErrorBody.TypeEnum;
import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into the contract's one {@code Error} body with an honest status: 400 bad
 * input, 404 unknown namespace or operation, 500 object code threw, 503 overloaded.
 *
 * <p>{@link ErrorBody} appears in no endpoint signature, only in the responses built here, so the
 * native build does not discover it: it is registered for Jackson's reflection explicitly (without
 * it the native binary answers every error with {@code {}}).
 */
@RegisterForReflection(targets = {ErrorBody.class, TypeEnum.class})
final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);
    /** Seconds a client should wait after an overload; a queue drains in well under that. */
    private static final String RETRY_AFTER_SECONDS = "1";

    @ServerExceptionMapper
    Response overloaded(OverloadedException e) {
        return error(503, e.shuttingDown() ? TypeEnum.SHUTTING_DOWN : TypeEnum.OVERLOADED, e)
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    /** Object code threw: 500, except a write refused by a storage limit, which is the request's fault (400). */
    @ServerExceptionMapper
    Response objectFailed(ObjectException e) {
        if (e.getCause() instanceof dev.cairn.api.Refusal r) { // provisional until the runtime passes refusals through
            return refused(r);
        }
        if (e.getCause() instanceof StorageException s && s.limit().isPresent()) {
            return error(400, TypeEnum.BAD_REQUEST, e).build();
        }
        return error(500, TypeEnum.OBJECT_ERROR, e).build();
    }

    /** Refused before reaching an object (bad list options), or a batch whose commit failed (retryable). */
    @ServerExceptionMapper
    Response storage(StorageException e) {
        if (e.retryable()) {
            return error(503, TypeEnum.INTERNAL, e).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        return error(400, TypeEnum.BAD_REQUEST, e).build();
    }

    @ServerExceptionMapper
    Response invalidId(InvalidIdException e) {
        return error(400, TypeEnum.BAD_REQUEST, e).build();
    }

    @ServerExceptionMapper
    Response unknownNamespace(UnknownNamespaceException e) {
        return error(404, TypeEnum.NOT_FOUND, e).build();
    }

    @ServerExceptionMapper
    Response badArgument(IllegalArgumentException e) {
        return error(400, TypeEnum.BAD_REQUEST, e).build();
    }

    /** A namespace without a fetch handler: there is no such operation. */
    @ServerExceptionMapper
    Response unsupported(UnsupportedOperationException e) {
        return error(404, TypeEnum.NOT_FOUND, e).build();
    }

    @ServerExceptionMapper
    Response refused(dev.cairn.api.Refusal e) {
        TypeEnum type = switch (e.status()) {
            case NOT_FOUND -> TypeEnum.NOT_FOUND;
            case CONFLICT -> TypeEnum.CONFLICT;
            default -> TypeEnum.BAD_REQUEST;
        };
        return error(e.status().code(), type, e).build();
    }

    @ServerExceptionMapper
    Response conflict(ConflictException e) {
        return error(409, TypeEnum.CONFLICT, e).build();
    }

    /** Malformed JSON, or JSON of the wrong shape for the operation. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    Response badJson(JsonProcessingException e) {
        String where = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? " at '" + m.getPathReference().replaceAll(".*\\[\"?([^\"\\]]*)\"?\\]$", "$1") + "'" : "";
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(TypeEnum.BAD_REQUEST, "malformed request body" + where + ": " + e.getOriginalMessage(), false, false))
                .build();
    }

    @ServerExceptionMapper
    Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 404 && e.getCause() != null) {
            // JAX-RS answers a query or path parameter that does not convert (limit=abc) with 404.
            return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(body(TypeEnum.BAD_REQUEST,
                    "a query or path parameter has the wrong type (" + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + ")", false, false)).build();
        }
        TypeEnum type = switch (status) {
            case 404, 405 -> TypeEnum.NOT_FOUND;
            case 409 -> TypeEnum.CONFLICT;
            default -> status < 500 ? TypeEnum.BAD_REQUEST : TypeEnum.INTERNAL;
        };
        String message = e.getMessage();
        if (message == null || message.startsWith("HTTP ")) { // the framework's default text says nothing useful
            message = switch (status) {
                case 404 -> "no such namespace, operation or resource";
                case 405 -> "this path does not accept that HTTP method";
                case 415 -> "unsupported content type; send application/json";
                default -> message;
            };
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(type, message, status >= 500, false)).build();
    }

    @ServerExceptionMapper
    Response unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        return switch (cause) {
            case OverloadedException o -> overloaded(o);
            case ObjectException o -> objectFailed(o);
            case StorageException s -> storage(s);
            case InvalidIdException i -> invalidId(i);
            case UnknownNamespaceException u -> unknownNamespace(u);
            case IllegalArgumentException i -> badArgument(i);
            case UnsupportedOperationException u -> unsupported(u);
            case ConflictException c -> conflict(c);
            case dev.cairn.api.Refusal r -> refused(r);
            case WebApplicationException w -> web(w);
            case null, default -> unexpected(cause == null ? e : cause);
        };
    }

    @ServerExceptionMapper
    Response unexpected(Throwable e) {
        LOG.error("unexpected failure", e);
        boolean retryable = e instanceof CairnException c && c.retryable();
        return Response.status(500).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(TypeEnum.INTERNAL, "internal error: " + e, retryable, false)).build();
    }

    private static Response.ResponseBuilder error(int status, TypeEnum type, CairnException e) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(type, e.getMessage(), e.retryable(), e.overloaded()).remote(e.remote()));
    }

    private static Response.ResponseBuilder error(int status, TypeEnum type, RuntimeException e) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(type, e.getMessage(), false, false));
    }

    static ErrorBody body(TypeEnum type, String message, boolean retryable, boolean overloaded) {
        return new ErrorBody().type(type).message(message).retryable(retryable).overloaded(overloaded).remote(false);
    }
}
