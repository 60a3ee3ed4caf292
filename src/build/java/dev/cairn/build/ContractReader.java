package dev.cairn.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.build.Kinds.Address;
import dev.cairn.build.Kinds.Body;
import dev.cairn.build.Kinds.Kind;
import dev.cairn.build.Kinds.Operation;
import dev.cairn.build.Kinds.Parameter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/** Reads and checks an object contract's operations, grouped by kind. */
final class ContractReader {
    static final String EXTENSION = "x-cairn-object";
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
    private static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final java.util.regex.Pattern JAVA_NAME = java.util.regex.Pattern.compile("[a-z][A-Za-z0-9]*");
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{([^}]*)}");
    /** The runtime's problem schema is its own model class; object contracts refer to it, never redefine it. */
    static final Map<String, String> MAPPED = Map.of("Problem", "dev.cairn.rest.model.Problem", "Violation", "dev.cairn.rest.model.Violation");

    private final Documents documents;
    private final JavaTypes types;

    ContractReader(Documents documents) {
        this.documents = documents;
        this.types = new JavaTypes(documents, MAPPED);
    }

    List<Kind> kinds() {
        Map<String, String> kindOfNamespace = new LinkedHashMap<>();
        Map<String, List<Operation>> operations = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> paths = documents.contract().path("paths").properties().iterator();
        if (!paths.hasNext()) {
            throw new ContractException("no paths: an object contract writes each operation under /<namespace>/…");
        }
        while (paths.hasNext()) {
            var path = paths.next();
            for (String method : METHODS) {
                JsonNode op = path.getValue().get(method);
                if (op != null) {
                    String where = method.toUpperCase() + " " + path.getKey();
                    String namespace = namespace(op, where);
                    String kind = kind(op, namespace);
                    String known = kindOfNamespace.putIfAbsent(namespace, kind);
                    if (known != null && !known.equals(kind)) {
                        throw new ContractException(where + ": namespace '" + namespace + "' is tagged " + kind
                                + " here but " + known + " elsewhere; all operations of a namespace share its first tag");
                    }
                    operations.computeIfAbsent(namespace, n -> new ArrayList<>())
                            .add(operation(path.getKey(), path.getValue(), method, op, namespace, where));
                }
            }
        }
        Set<String> kindNames = new HashSet<>();
        List<Kind> kinds = new ArrayList<>();
        kindOfNamespace.forEach((namespace, kind) -> {
            if (!kindNames.add(kind)) {
                throw new ContractException("kind " + kind + " is tagged on two namespaces; each kind serves one namespace");
            }
            kinds.add(new Kind(kind, namespace, List.copyOf(operations.get(namespace))));
        });
        return kinds;
    }

    private String namespace(JsonNode op, String where) {
        JsonNode ext = op.get(EXTENSION);
        if (ext == null || !ext.path("namespace").isTextual()) {
            throw new ContractException(where + ": every operation of an object contract says whose it is:"
                    + " " + EXTENSION + ": {namespace: <namespace>} (optionally address: name, id or both)");
        }
        String namespace = ext.get("namespace").asText();
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new ContractException(where + ": namespace '" + namespace + "' must be lowercase letters, digits and '-'");
        }
        return namespace;
    }

    private static String kind(JsonNode op, String namespace) {
        JsonNode tags = op.path("tags");
        if (tags.isArray() && !tags.isEmpty()) {
            return tags.get(0).asText();
        }
        StringBuilder name = new StringBuilder();
        for (String part : namespace.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }

    private Operation operation(String path, JsonNode item, String method, JsonNode op, String namespace, String where) {
        String root = "/" + namespace;
        if (!path.equals(root) && !path.startsWith(root + "/")) {
            throw new ContractException(where + ": an operation of namespace '" + namespace + "' is written under "
                    + root + " (its path inside the object follows), not " + path);
        }
        String rest = path.substring(root.length());
        String id = op.path("operationId").asText("");
        if (!JAVA_NAME.matcher(id).matches()) {
            throw new ContractException(where + ": operationId '" + id + "' must be a Java method name"
                    + " (a lowercase letter, then letters and digits): it names the object's method");
        }
        Set<Address> addresses = addresses(op.get(EXTENSION), where);
        List<Parameter> pathParameters = new ArrayList<>();
        List<Parameter> queryParameters = new ArrayList<>();
        List<JsonNode> declared = new ArrayList<>();
        item.path("parameters").forEach(declared::add);
        op.path("parameters").forEach(declared::add);
        Set<String> placeholders = new HashSet<>();
        Matcher m = PLACEHOLDER.matcher(rest);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        for (JsonNode raw : declared) {
            JsonNode p = documents.resolve(raw, where);
            String name = p.path("name").asText();
            String in = p.path("in").asText();
            String at = where + " parameter '" + name + "'";
            if (name.equals("name") || name.equals("id")) {
                throw new ContractException(at + ": 'name' and 'id' address the object and are added by the build;"
                        + " do not declare them");
            }
            var parameter = new Parameter(name, javaName(name), types.parameterType(p.path("schema"), at),
                    Optional.ofNullable(p.path("schema").get("default")).map(JsonNode::asText),
                    types.constraints(p.path("schema"), in.equals("query") && p.path("required").asBoolean(), at));
            switch (in) {
                case "path" -> {
                    if (!placeholders.remove(name)) {
                        throw new ContractException(at + ": a path parameter must appear in the path as {" + name + "}");
                    }
                    pathParameters.add(parameter);
                }
                case "query" -> queryParameters.add(parameter);
                default -> throw new ContractException(at + ": parameters in " + in + " are not supported; use path or query");
            }
        }
        if (!placeholders.isEmpty()) {
            throw new ContractException(where + ": path placeholders " + placeholders + " have no parameter declared");
        }
        return new Operation(id, method, rest, addresses, op.path("summary").asText(""), pathParameters, queryParameters,
                body(op, where), result(op, where), status(op, where));
    }

    private static Set<Address> addresses(JsonNode ext, String where) {
        String address = ext.path("address").asText("both");
        return switch (address) {
            case "both" -> EnumSet.allOf(Address.class);
            case "name" -> EnumSet.of(Address.NAME);
            case "id" -> EnumSet.of(Address.ID);
            default -> throw new ContractException(where + ": address '" + address + "' must be name, id or both");
        };
    }

    private Optional<Body> body(JsonNode op, String where) {
        JsonNode body = op.get("requestBody");
        if (body == null) {
            return Optional.empty();
        }
        body = documents.resolve(body, where);
        JsonNode schema = body.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            throw new ContractException(where + ": a request body must be application/json with a schema");
        }
        return Optional.of(new Body(types.bodyType(schema, where + " request body"), body.path("required").asBoolean()));
    }

    private Optional<String> result(JsonNode op, String where) {
        JsonNode response = success(op, where).getValue();
        JsonNode schema = documents.resolve(response, where).path("content").path("application/json").path("schema");
        return schema.isMissingNode() ? Optional.empty() : Optional.of(types.bodyType(schema, where + " response"));
    }

    private static int status(JsonNode op, String where) {
        return Integer.parseInt(success(op, where).getKey());
    }

    private static Map.Entry<String, JsonNode> success(JsonNode op, String where) {
        Map.Entry<String, JsonNode> found = null;
        for (var response : op.path("responses").properties()) {
            if (response.getKey().startsWith("2")) {
                if (found != null) {
                    throw new ContractException(where + ": declare one success response (2xx), not "
                            + found.getKey() + " and " + response.getKey());
                }
                found = response;
            }
        }
        if (found == null) {
            throw new ContractException(where + ": declare its success response (200 with a body, or 204)");
        }
        return found;
    }

    /** A contract name as a Java identifier: {@code flush-after} becomes {@code flushAfter}. */
    static String javaName(String name) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = out.length() > 0;
            }
        }
        return out.toString();
    }
}
