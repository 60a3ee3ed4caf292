package dev.cairn.rest;

import dev.cairn.api.FetchRequest;
import dev.cairn.api.FetchResponse;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.Stub;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Raw HTTP to an object's fetch handler, any method, under {@code fetch/} of either address form.
 * Hand-written because the contract's {@code {path}} spans several segments, which a generated
 * JAX-RS interface cannot express.
 */
@Path("")
final class FetchResource {
    private static final String BY_NAME = "objects/{namespace}/{name}/fetch{path: (/.*)?}";
    private static final String BY_ID = "ids/{namespace}/{id}/fetch{path: (/.*)?}";

    private final Namespaces namespaces;

    FetchResource(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    @GET @Path(BY_NAME)
    public CompletionStage<Response> getByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri) {
        return forward(byName(ns, name), "GET", path, headers, uri, null);
    }

    @HEAD @Path(BY_NAME)
    public CompletionStage<Response> headByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri) {
        return forward(byName(ns, name), "HEAD", path, headers, uri, null);
    }

    @OPTIONS @Path(BY_NAME)
    public CompletionStage<Response> optionsByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri) {
        return forward(byName(ns, name), "OPTIONS", path, headers, uri, null);
    }

    @POST @Path(BY_NAME)
    public CompletionStage<Response> postByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byName(ns, name), "POST", path, headers, uri, body);
    }

    @PUT @Path(BY_NAME)
    public CompletionStage<Response> putByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byName(ns, name), "PUT", path, headers, uri, body);
    }

    @PATCH @Path(BY_NAME)
    public CompletionStage<Response> patchByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byName(ns, name), "PATCH", path, headers, uri, body);
    }

    @DELETE @Path(BY_NAME)
    public CompletionStage<Response> deleteByName(@PathParam("namespace") String ns, @PathParam("name") String name,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byName(ns, name), "DELETE", path, headers, uri, body);
    }

    @GET @Path(BY_ID)
    public CompletionStage<Response> getById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri) {
        return forward(byId(ns, id), "GET", path, headers, uri, null);
    }

    @HEAD @Path(BY_ID)
    public CompletionStage<Response> headById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri) {
        return forward(byId(ns, id), "HEAD", path, headers, uri, null);
    }

    @OPTIONS @Path(BY_ID)
    public CompletionStage<Response> optionsById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri) {
        return forward(byId(ns, id), "OPTIONS", path, headers, uri, null);
    }

    @POST @Path(BY_ID)
    public CompletionStage<Response> postById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byId(ns, id), "POST", path, headers, uri, body);
    }

    @PUT @Path(BY_ID)
    public CompletionStage<Response> putById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byId(ns, id), "PUT", path, headers, uri, body);
    }

    @PATCH @Path(BY_ID)
    public CompletionStage<Response> patchById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byId(ns, id), "PATCH", path, headers, uri, body);
    }

    @DELETE @Path(BY_ID)
    public CompletionStage<Response> deleteById(@PathParam("namespace") String ns, @PathParam("id") String id,
            @PathParam("path") String path, HttpHeaders headers, UriInfo uri, byte[] body) {
        return forward(byId(ns, id), "DELETE", path, headers, uri, body);
    }

    private Stub<?> byName(String namespace, String name) {
        return namespaces.get(namespace).getByName(name);
    }

    private Stub<?> byId(String namespace, String id) {
        Namespace<?> ns = namespaces.get(namespace);
        return ns.get(ns.idFromString(id));
    }

    private static CompletionStage<Response> forward(Stub<?> stub, String method, String path, HttpHeaders headers,
            UriInfo uri, byte[] body) {
        Map<String, List<String>> lowerCased = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> lowerCased.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        String query = uri.getRequestUri().getRawQuery();
        FetchRequest request = new FetchRequest(method, path == null || path.isEmpty() ? "/" : path,
                query == null ? "" : query, Map.copyOf(lowerCased), body == null ? new byte[0] : body);
        return stub.fetch(request).thenApply(FetchResource::toResponse);
    }

    private static Response toResponse(FetchResponse r) {
        Response.ResponseBuilder b = Response.status(r.status());
        r.headers().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        if (r.body() != null && r.body().length > 0) {
            b.entity(r.body());
        }
        return b.build();
    }
}
