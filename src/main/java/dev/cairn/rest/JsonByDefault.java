package dev.cairn.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets clients call an object endpoint without a Content-Type or without a body (for example
 * {@code curl -X POST .../increment}, whose body is optional): such a request is read as JSON. Fetch requests are passed
 * to objects exactly as received, so they are left alone.
 */
final class JsonByDefault {

    @ServerRequestFilter(preMatching = true)
    void assumeJson(ContainerRequestContext request) {
        boolean noBody = request.getLength() <= 0 && request.getHeaderString("Transfer-Encoding") == null;
        boolean noType = request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null;
        if ((noType || noBody) && !isFetch(request.getUriInfo().getPath())) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    private static boolean isFetch(String path) {
        // /objects/{ns}/{name}/fetch... or /ids/{ns}/{id}/fetch...
        String[] parts = path.split("/", 6);
        return parts.length >= 5 && parts[4].equals("fetch");
    }
}
