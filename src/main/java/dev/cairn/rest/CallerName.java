package dev.cairn.rest;

import io.vertx.ext.web.RoutingContext;

/** The name of whoever sent a request, once the access check admitted it; the admin API records it with what it changes. */
public final class CallerName {
    /** Where the access check leaves the name, in the request's routing context. */
    public static final String KEY = "cairn.caller";

    private CallerName() {
    }

    /** The admitted caller's name; "anonymous" on a path that requires no role. */
    static String of(RoutingContext request) {
        return request.get(KEY) instanceof String name ? name : "anonymous";
    }
}
