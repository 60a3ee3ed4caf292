package dev.cairn.security;

import dev.cairn.rest.CallerName;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Who sent a request that required a role, once its credentials verified: a configured user's name
 * or a token's {@code upn}, {@code preferred_username} or {@code sub}, with its roles. Immutable.
 */
record Caller(String name, Set<String> roles) {
    Caller {
        roles = Set.copyOf(roles);
    }

    /** Lets the request through as this caller, whose name the admin API records. */
    void admit(RoutingContext request) {
        request.put(CallerName.KEY, name);
    }

    boolean hasAnyOf(Set<String> wanted) {
        return wanted.stream().anyMatch(roles::contains);
    }
}
