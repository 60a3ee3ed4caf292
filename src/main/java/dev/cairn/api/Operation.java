package dev.cairn.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One call of a typed operation, as a generated {@code <Kind>Stub} hands it to {@link Stub#call(Operation)}:
 * what to run on the object when it lives on this node ({@link #local()}), and the same call as the
 * REST request of the contract ({@link #route()}, {@link #target()}, {@link #body()}) for when it lives
 * on another node. A lambda cannot cross the network; this can.
 *
 * <p>The request's text is built only when asked for, so the local path (every REST call runs its
 * operation through a stub) pays for nothing but this object. Immutable once built; the body is the
 * caller's model object, sent as JSON.
 *
 * @param <T> the object class (its {@code <Kind>Api})
 * @param <R> what the operation answers ({@code Void} for nothing)
 */
public final class Operation<T, R> {
    private final Route<R> route;
    private final ObjectCall<T, R> local;
    private final Object body;
    private final Object[] values;

    private Operation(Route<R> route, ObjectCall<T, R> local, Object body, Object[] values) {
        this.route = route;
        this.local = local;
        this.body = body;
        this.values = values;
    }

    /** The operation's route: method, path inside the object, query parameters and result. */
    public Route<R> route() {
        return route;
    }

    /** What runs on the object's thread when the object lives on this node. */
    public ObjectCall<T, R> local() {
        return local;
    }

    /** The request body (a model object, sent as JSON), or null for none. */
    public Object body() {
        return body;
    }

    /**
     * The path inside the object with its parameters filled in, and the query string when a query
     * parameter has a value: {@code /stock/a%20b/restock?limit=10}. Each value is percent-encoded
     * (UTF-8, everything but {@code A-Z a-z 0-9 - . _ ~}); a query parameter whose value is null is left out.
     */
    public String target() {
        var out = new StringBuilder();
        Matcher m = Route.PLACEHOLDER.matcher(route.path);
        int at = 0;
        int value = 0;
        while (m.find()) {
            out.append(route.path, at, m.start());
            encode(values[value++], out);
            at = m.end();
        }
        out.append(route.path, at, route.path.length());
        char separator = '?';
        for (String name : route.query) {
            Object v = values[value++];
            if (v != null) {
                out.append(separator);
                encode(name, out);
                out.append('=');
                encode(v, out);
                separator = '&';
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return route.method + " " + target();
    }

    private static void encode(Object value, StringBuilder out) {
        if (value == null) {
            throw new IllegalArgumentException("a path parameter must have a value; got null");
        }
        for (byte b : value.toString().getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    /**
     * The REST shape of one operation, fixed by the contract: its HTTP method, its path inside the
     * object ({@code ""} or {@code "/…"}, placeholders as {@code {name}}), the names of its query
     * parameters and the shape of its result. A generated stub holds one per operation as a constant.
     * Immutable.
     */
    public static final class Route<R> {
        static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}/]+)}");
        private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

        private final String method;
        private final String path;
        private final int pathParameters;
        private final List<String> query;
        private final Result<R> result;

        private Route(String method, String path, List<String> query, Result<R> result) {
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("an operation's method must be one of " + METHODS + "; got " + method);
            }
            if (!path.isEmpty() && !path.startsWith("/")) {
                throw new IllegalArgumentException("an operation's path inside its object is \"\" or starts with '/'; got \"" + path + "\"");
            }
            if (result == null) {
                throw new IllegalArgumentException("an operation's result must not be null; use Result.none()");
            }
            this.method = method;
            this.path = path;
            this.pathParameters = (int) PLACEHOLDER.matcher(path).results().count();
            this.query = List.copyOf(query);
            this.result = result;
        }

        public static <R> Route<R> of(String method, String path, Result<R> result) {
            return new Route<>(method, path, List.of(), result);
        }

        public static <R> Route<R> get(String path, Result<R> result) {
            return of("GET", path, result);
        }

        public static <R> Route<R> post(String path, Result<R> result) {
            return of("POST", path, result);
        }

        public static <R> Route<R> put(String path, Result<R> result) {
            return of("PUT", path, result);
        }

        public static <R> Route<R> delete(String path, Result<R> result) {
            return of("DELETE", path, result);
        }

        public static <R> Route<R> patch(String path, Result<R> result) {
            return of("PATCH", path, result);
        }

        /** This route with query parameters of these names, in the order their values are given. */
        public Route<R> query(String... names) {
            var all = new ArrayList<>(query);
            all.addAll(List.of(names));
            return new Route<>(method, path, all, result);
        }

        /**
         * One call of this route: {@code local} runs it on the object when the object is on this node;
         * {@code body} is the request body or null; {@code values} are the path parameters' values in
         * the order the path names them, then the query parameters' in the order of {@link #query}.
         */
        public <T> Operation<T, R> operation(ObjectCall<T, R> local, Object body, Object... values) {
            if (values.length != pathParameters + query.size()) {
                throw new IllegalArgumentException(method + " " + path + " takes " + pathParameters + " path and "
                        + query.size() + " query parameter values; got " + values.length);
            }
            return new Operation<>(this, local, body, values);
        }

        /** {@code GET}, {@code POST}, {@code PUT}, {@code DELETE} or {@code PATCH}. */
        public String method() {
            return method;
        }

        /** The path inside the object, placeholders unfilled: {@code /stock/{sku}/restock}. */
        public String path() {
            return path;
        }

        public List<String> query() {
            return query;
        }

        public Result<R> result() {
            return result;
        }
    }
}
