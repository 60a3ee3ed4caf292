package dev.cairn.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.build.Kinds.Address;
import dev.cairn.build.Kinds.Kind;
import dev.cairn.build.Kinds.Operation;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * The contract as clients see it: every operation at its by-name and/or by-id path, and the
 * runtime's components it refers to copied in, so that the file stands on its own.
 */
final class ContractExpansion {
    /** Answers every object operation can give, added where the author did not declare them. */
    private static final Map<String, String> STANDARD_RESPONSES = Map.of(
            "400", "BadRequest", "500", "ObjectFailed", "503", "Overloaded");
    /** Lets a model accept properties its schema does not name (the service refuses unknown ones elsewhere). */
    private static final String LAX = "@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)";

    private final Documents documents;

    ContractExpansion(Documents documents) {
        this.documents = documents;
    }

    ObjectNode served(java.util.List<Kind> kinds) {
        ObjectNode served = documents.contract().deepCopy();
        ObjectNode paths = served.putObject("paths");
        JsonNode source = documents.contract().path("paths");
        for (Kind kind : kinds) {
            for (Operation operation : kind.operations()) {
                JsonNode item = source.get("/" + kind.namespace() + operation.rest());
                for (Address address : operation.addresses()) {
                    ObjectNode target = paths.has(address.path(kind.namespace(), operation.rest()))
                            ? (ObjectNode) paths.get(address.path(kind.namespace(), operation.rest()))
                            : paths.putObject(address.path(kind.namespace(), operation.rest()));
                    target.set(operation.method(), expanded(kind, operation, item, address));
                }
            }
        }
        copyReferenced(served);
        return served;
    }

    private ObjectNode expanded(Kind kind, Operation operation, JsonNode item, Address address) {
        ObjectNode op = item.get(operation.method()).deepCopy();
        op.remove(ContractReader.EXTENSION);
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        copy.putArray("tags").add(kind.name());
        copy.put("operationId", operation.id() + address.suffix);
        for (String field : java.util.List.of("summary", "description")) {
            if (op.has(field)) {
                copy.set(field, op.get(field));
            }
        }
        ArrayNode parameters = copy.putArray("parameters");
        parameters.addObject().put("$ref", "#/components/parameters/" + address.component);
        item.path("parameters").forEach(p -> parameters.add(p.deepCopy()));
        op.path("parameters").forEach(p -> parameters.add(p.deepCopy()));
        op.properties().forEach(f -> {
            if (!copy.has(f.getKey()) && !f.getKey().equals("tags") && !f.getKey().equals("operationId")) {
                copy.set(f.getKey(), f.getValue());
            }
        });
        copy.remove("responses");
        ObjectNode responses = copy.putObject("responses");
        op.path("responses").properties().forEach(r -> responses.set(r.getKey(), r.getValue()));
        STANDARD_RESPONSES.forEach((status, name) -> {
            if (!responses.has(status)) {
                responses.putObject(status).put("$ref", "#/components/responses/" + name);
            }
        });
        sortResponses(responses);
        return copy;
    }

    private static void sortResponses(ObjectNode responses) {
        var sorted = new java.util.TreeMap<String, JsonNode>();
        responses.properties().forEach(r -> sorted.put(r.getKey(), r.getValue()));
        responses.removeAll();
        sorted.forEach(responses::set);
    }

    /** Copies into {@code served} every runtime component it refers to (and they refer to) but does not define. */
    private void copyReferenced(ObjectNode served) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.add(served);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isObject() && node.has("$ref") && node.get("$ref").isTextual()) {
                String[] parts = Documents.parts(node.get("$ref").asText());
                ObjectNode section = section(served, parts[0]);
                if (!section.has(parts[1])) {
                    JsonNode shared = documents.runtime().path("components").path(parts[0]).path(parts[1]);
                    if (shared.isMissingNode()) {
                        throw new ContractException(node.get("$ref").asText()
                                + " is defined neither in this contract nor in the runtime's (openapi.yaml)");
                    }
                    section.set(parts[1], shared.deepCopy());
                    pending.add(section.get(parts[1]));
                }
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                pending.add(it.next());
            }
        }
    }

    private static ObjectNode section(ObjectNode document, String name) {
        ObjectNode components = document.has("components") ? (ObjectNode) document.get("components") : document.putObject("components");
        return components.has(name) ? (ObjectNode) components.get(name) : components.putObject(name);
    }

    /**
     * The served contract marked for openapi-generator: every object schema that does not say
     * {@code additionalProperties: false} gets a model that ignores properties it does not name.
     */
    static ObjectNode forModels(ObjectNode served) {
        ObjectNode models = served.deepCopy();
        JsonNode schemas = models.path("components").path("schemas");
        schemas.properties().forEach(s -> {
            JsonNode schema = s.getValue();
            boolean strict = schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean();
            if (schema.isObject() && schema.has("properties") && !strict) {
                ((ObjectNode) schema).put("x-class-extra-annotation", LAX);
            }
        });
        return models;
    }
}
