package dev.cairn.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.cairn.api.CairnException;
import dev.cairn.rest.model.Problem;
import dev.cairn.rest.model.Violation;
import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a REST request into a {@link Problem} ({@code application/problem+json},
 * RFC 9457) with an honest status; {@link Problems#ofFailure} decides for failed calls, this class
 * for what the HTTP layer refuses (malformed JSON, a body or parameter that breaks the contract, a
 * method or media type not served).
 *
 * <p>{@link Problem} appears in no endpoint signature, only in the responses built here, so the native
 * build does not discover it: it is registered for Jackson's reflection explicitly (without it the
 * native binary answers every error with {@code {}}).
 */
@RegisterForReflection(targets = {Problem.class, Violation.class})
final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);
    /** What Quarkus REST says when it matches no resource, method or media type: replaced by what the client can act on. */
    private static final Set<String> FRAMEWORK_TEXTS = Set.of(
            "Unable to find matching target resource method",
            "The content-type header value did not match the value in @Consumes");

    /** A call failed (thrown by a resource, or completing its stage exceptionally). */
    @ServerExceptionMapper({CairnException.class, IllegalArgumentException.class, UnsupportedOperationException.class,
            CompletionException.class})
    Response failed(RuntimeException e, UriInfo uri, Request request, HttpHeaders headers) {
        return other(e, uri, request, headers);
    }

    /** A request body or parameter that breaks a constraint of the contract: the object is never called. */
    @ServerExceptionMapper({ConstraintViolationException.class, ResteasyReactiveViolationException.class})
    Response invalid(ConstraintViolationException e, UriInfo uri) {
        if (e.getConstraintViolations().stream().anyMatch(Violations::ofReturnValue)) {
            LOG.error("an endpoint returned a value its contract does not allow", e);
            return answer(Problems.of(ProblemType.INTERNAL, 500, "internal error: the answer does not match the contract: "
                    + e.getMessage(), path(uri)));
        }
        List<Violation> violations = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing((ConstraintViolation<?> v) -> v.getPropertyPath().toString()))
                .map(Violations::of).toList();
        return validation(violations, uri);
    }

    /** Malformed JSON (where, and what is wrong), or JSON of the wrong shape for the operation (which field, what rule). */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    Response badJson(JsonProcessingException e, UriInfo uri, Request request, HttpHeaders headers) {
        return switch (e) {
            case MismatchedInputException m -> validation(List.of(Violations.of(m)), uri);
            case ValueInstantiationException v -> validation(List.of(Violations.of(v)), uri);
            case InvalidDefinitionException d -> other(d, uri, request, headers);
            case StreamReadException r -> answer(Problems.of(ProblemType.MALFORMED_JSON, 400, "malformed JSON"
                    + (r.getLocation() != null && r.getLocation().getLineNr() > 0
                            ? " at line " + r.getLocation().getLineNr() + ", column " + r.getLocation().getColumnNr() : "")
                    + ": " + r.getOriginalMessage(), path(uri)));
            default -> answer(Problems.of(ProblemType.BAD_REQUEST, 400, "unreadable request body: " + e.getOriginalMessage(), path(uri)));
        };
    }

    /** What the HTTP layer answered by itself: no such resource, method or media type, a parameter that does not convert. */
    @ServerExceptionMapper
    Response web(WebApplicationException e, UriInfo uri, Request request, HttpHeaders headers) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json, uri, request, headers); // the JSON reader wraps what Jackson could not parse
        }
        if (status == 404 && e.getCause() != null) {
            // JAX-RS answers a query or path parameter that does not convert (limit=abc) with 404.
            return answer(Problems.of(ProblemType.BAD_REQUEST, 400, "a query or path parameter has the wrong type ("
                    + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + ")", path(uri)));
        }
        String message = e.getMessage();
        if (message == null || message.startsWith("HTTP ") || FRAMEWORK_TEXTS.contains(message)) { // they say nothing useful
            message = switch (status) {
                case 404 -> "no such namespace, operation or resource: " + path(uri);
                case 405 -> "this path does not accept " + request.getMethod() + (e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null
                        ? "; it accepts " + e.getResponse().getHeaderString(HttpHeaders.ALLOW) : "");
                case 406 -> "this operation answers application/json (and application/problem+json); accept one of them";
                case 415 -> "unsupported content type '" + headers.getMediaType() + "'; send application/json";
                default -> message;
            };
        }
        Response.ResponseBuilder answer = builder(Problems.of(ProblemType.ofStatus(status), status, message, path(uri))
                .retryable(status >= 500));
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            answer.header(HttpHeaders.ALLOW, allow);
        }
        return answer.build();
    }

    @ServerExceptionMapper
    Response unexpected(Throwable e, UriInfo uri, Request request, HttpHeaders headers) {
        return other(e, uri, request, headers);
    }

    /** Anything else, also inside a {@link CompletionException}: a failed call as {@link Problems} maps it; Cairn's own failures logged. */
    private Response other(Throwable e, UriInfo uri, Request request, HttpHeaders headers) {
        Throwable f = e;
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        if (f instanceof WebApplicationException w) {
            return web(w, uri, request, headers);
        }
        Problem problem = Problems.ofFailure(f, path(uri));
        if (ProblemType.INTERNAL.uri().equals(problem.getType())) {
            LOG.error("unexpected failure", f);
        }
        return answer(problem);
    }

    private static Response validation(List<Violation> violations, UriInfo uri) {
        String detail = violations.stream().map(Violation::getMessage).collect(Collectors.joining("; "));
        return answer(Problems.of(ProblemType.VALIDATION, 400, detail, path(uri)).errors(violations));
    }

    static Response answer(Problem problem) {
        return builder(problem).build();
    }

    private static Response.ResponseBuilder builder(Problem problem) {
        Response.ResponseBuilder answer = Response.status(problem.getStatus()).type(Problems.MEDIA_TYPE).entity(problem);
        if (Problems.hasRetryAfter(problem)) {
            answer.header("Retry-After", Problems.RETRY_AFTER_SECONDS);
        }
        return answer;
    }

    private static String path(UriInfo uri) {
        return uri.getRequestUri().getRawPath();
    }
}
