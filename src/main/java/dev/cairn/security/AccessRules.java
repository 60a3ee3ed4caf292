package dev.cairn.security;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which roles a request's path requires: the admin API one role ({@link #ADMIN_ROLE}); a namespace's
 * objects (REST, fetch, WebSockets) the roles {@code cairn.namespaces.<ns>.roles-allowed} names, one of
 * them; everything else (health, metrics, the contract, {@code /cluster}) none. Immutable.
 */
final class AccessRules {
    /** The role the admin API requires. */
    static final String ADMIN_ROLE = "cairn-admin";

    /** What a request must show before it is served. */
    sealed interface Requirement {
        /** Served to anyone, credentials or none (they are not even checked). */
        record Open() implements Requirement {}

        /** Served to an authenticated caller with one of {@code roles}; {@code what}: the protected thing, for errors. */
        record AnyRole(Set<String> roles, String what) implements Requirement {}
    }

    private static final Requirement OPEN = new Requirement.Open();
    private static final Requirement ADMIN = new Requirement.AnyRole(Set.of(ADMIN_ROLE), "the admin API");

    private final Map<String, Requirement> namespaces;

    /** {@code rolesByNamespace}: the namespaces that require roles, each to its roles. */
    AccessRules(Map<String, Set<String>> rolesByNamespace) {
        this.namespaces = Map.copyOf(rolesByNamespace.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> (Requirement) new Requirement.AnyRole(Set.copyOf(e.getValue()), "namespace " + e.getKey()))));
    }

    /** What a request to {@code path} (normalized: no dot segments, no doubled slashes) requires; cheap, as it runs on every request. */
    Requirement of(String path) {
        if (path.startsWith("/admin") && (path.length() == 6 || path.charAt(6) == '/')) {
            return ADMIN;
        }
        if (namespaces.isEmpty() || !(path.startsWith("/objects/") || path.startsWith("/ids/"))) {
            return OPEN;
        }
        int from = path.indexOf('/', 1) + 1;
        int to = path.indexOf('/', from);
        return namespaces.getOrDefault(path.substring(from, to < 0 ? path.length() : to), OPEN);
    }
}
