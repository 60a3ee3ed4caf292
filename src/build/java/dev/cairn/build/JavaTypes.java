package dev.cairn.build;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Java types and Jakarta Validation annotations for the contract's schemas, named as
 * openapi-generator names them (its {@code jaxrs-spec} models with {@code dateLibrary=java8}):
 * a referenced object schema is its model class, an untyped one {@code Object}.
 */
final class JavaTypes {
    /** What a path or query parameter may be: types JAX-RS converts from text by itself. */
    private static final Set<String> PARAMETER_TYPES = Set.of("String", "Integer", "Long", "Boolean", "Float", "Double");

    private final Documents documents;
    /** Schemas the runtime's contract maps to its own model classes (its problem body). */
    private final java.util.Map<String, String> mapped;

    JavaTypes(Documents documents, java.util.Map<String, String> mapped) {
        this.documents = documents;
        this.mapped = mapped;
    }

    /** The Java type of a request or response body. */
    String bodyType(JsonNode schema, String where) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            String name = Documents.parts(ref.asText())[1];
            if (mapped.containsKey(name)) {
                return mapped.get(name);
            }
            JsonNode target = documents.resolve(schema, where);
            return isModel(target) ? name : bodyType(target, where);
        }
        String type = schema.path("type").asText("");
        return switch (type) {
            case "array" -> "List<" + bodyType(schema.path("items"), where + " items") + ">";
            case "object" -> {
                if (schema.has("properties")) {
                    throw new ContractException(where + ": an inline object schema has no class name;"
                            + " define it under components/schemas and refer to it with $ref");
                }
                yield "Map<String, Object>";
            }
            case "" -> "Object";
            default -> scalar(schema, where);
        };
    }

    /** The Java type of a path or query parameter. */
    String parameterType(JsonNode schema, String where) {
        String type = scalar(documents.resolve(schema, where), where);
        if (!PARAMETER_TYPES.contains(type)) {
            throw new ContractException(where + ": a parameter of type " + type + " is not supported;"
                    + " use string, integer, number (float or double) or boolean");
        }
        return type;
    }

    /** The Jakarta Validation annotations that hold a parameter to its schema. */
    List<String> constraints(JsonNode schema, boolean required, String where) {
        JsonNode s = documents.resolve(schema, where);
        List<String> out = new ArrayList<>();
        if (required) {
            out.add("@NotNull");
        }
        if (s.has("minLength") || s.has("maxLength")) {
            out.add("@Size(" + (s.has("minLength") ? "min = " + s.get("minLength").asInt() : "")
                    + (s.has("minLength") && s.has("maxLength") ? ", " : "")
                    + (s.has("maxLength") ? "max = " + s.get("maxLength").asInt() : "") + ")");
        }
        if (s.has("pattern")) {
            out.add("@Pattern(regexp = " + literal(s.get("pattern").asText()) + ")");
        }
        if (s.has("enum")) {
            var values = new ArrayList<String>();
            s.get("enum").forEach(v -> values.add(java.util.regex.Pattern.quote(v.asText())));
            out.add("@Pattern(regexp = " + literal(String.join("|", values)) + ")");
        }
        boolean integer = s.path("type").asText().equals("integer");
        if (s.has("minimum")) {
            out.add(integer ? "@Min(" + s.get("minimum").asLong() + "L)" : "@DecimalMin(" + literal(s.get("minimum").asText()) + ")");
        }
        if (s.has("maximum")) {
            out.add(integer ? "@Max(" + s.get("maximum").asLong() + "L)" : "@DecimalMax(" + literal(s.get("maximum").asText()) + ")");
        }
        return out;
    }

    /** The constraints of the runtime's Name and Id parameters, which every generated route checks. */
    java.util.Map<Kinds.Address, List<String>> addressConstraints() {
        var out = new java.util.EnumMap<Kinds.Address, List<String>>(Kinds.Address.class);
        for (Kinds.Address address : Kinds.Address.values()) {
            String ref = "#/components/parameters/" + address.component;
            JsonNode parameter = documents.component(ref).orElseThrow(() -> new ContractException(
                    ref + " is missing from the runtime's contract (openapi.yaml)"));
            out.put(address, constraints(parameter.path("schema"), false, ref));
        }
        return out;
    }

    private static boolean isModel(JsonNode schema) {
        return schema.has("properties") || schema.has("allOf") || schema.has("oneOf") || schema.has("anyOf")
                || (schema.has("enum") && schema.path("type").asText().equals("string"));
    }

    private static String scalar(JsonNode schema, String where) {
        String type = schema.path("type").asText("");
        String format = schema.path("format").asText("");
        return switch (type) {
            case "string" -> switch (format) {
                case "date-time" -> "OffsetDateTime";
                case "date" -> "LocalDate";
                case "uuid" -> "UUID";
                default -> "String";
            };
            case "integer" -> format.equals("int64") ? "Long" : "Integer";
            case "number" -> switch (format) {
                case "float" -> "Float";
                case "double" -> "Double";
                default -> "BigDecimal";
            };
            case "boolean" -> "Boolean";
            default -> throw new ContractException(where + ": type '" + type + "' is not a scalar;"
                    + " use string, integer, number or boolean");
        };
    }

    /** {@code text} as a Java string literal. */
    static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
