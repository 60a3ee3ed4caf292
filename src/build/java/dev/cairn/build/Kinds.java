package dev.cairn.build;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What an object contract declares, as the code writers need it. */
final class Kinds {

    private Kinds() {
    }

    /** How an operation reaches its object: the path prefix, the address parameter and the operationId suffix. */
    enum Address {
        NAME("/objects/", "name", "Name", "ByName"),
        ID("/ids/", "id", "Id", "ById");

        final String prefix;
        final String parameter;
        /** The runtime contract's shared parameter ({@code #/components/parameters/…}). */
        final String component;
        final String suffix;

        Address(String prefix, String parameter, String component, String suffix) {
            this.prefix = prefix;
            this.parameter = parameter;
            this.component = component;
            this.suffix = suffix;
        }

        String path(String namespace, String rest) {
            return prefix + namespace + "/{" + parameter + "}" + rest;
        }
    }

    /** One object kind: a namespace and its operations; {@code name} names the generated types. */
    record Kind(String name, String namespace, List<Operation> operations) {
    }

    /**
     * One operation, written once: {@code rest} is its path inside the object ("" or "/…").
     * {@code result} is empty for an operation that answers without a body.
     */
    record Operation(String id, String method, String rest, Set<Address> addresses, String summary,
            List<Parameter> pathParameters, List<Parameter> queryParameters, Optional<Body> body,
            Optional<String> result, int status) {

        /** Everything the object's method takes, in order: path parameters, query parameters, the body. */
        List<String> javaParameters() {
            var all = new java.util.ArrayList<String>();
            pathParameters.forEach(p -> all.add(p.type() + " " + p.javaName()));
            queryParameters.forEach(p -> all.add(p.type() + " " + p.javaName()));
            body.ifPresent(b -> all.add(b.type() + " body"));
            return all;
        }

        List<String> javaArguments() {
            var all = new java.util.ArrayList<String>();
            pathParameters.forEach(p -> all.add(p.javaName()));
            queryParameters.forEach(p -> all.add(p.javaName()));
            body.ifPresent(b -> all.add("body"));
            return all;
        }

        String returnType() {
            return result.orElse("Void");
        }
    }

    /** A path or query parameter; {@code constraints} are Jakarta Validation annotations. */
    record Parameter(String name, String javaName, String type, Optional<String> defaultValue, List<String> constraints) {
    }

    /** The request body: its Java type and whether it must be present. */
    record Body(String type, boolean required) {
    }
}
