package dev.cairn.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The object contract and the runtime's contract it may refer to: a {@code $ref} the object contract
 * does not define itself is looked up in the runtime's (its Name and Id parameters, shared
 * responses, the problem schema).
 */
record Documents(ObjectNode contract, ObjectNode runtime) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    static ObjectNode read(Path file) throws IOException {
        return (ObjectNode) YAML.readTree(file.toFile());
    }

    static void write(ObjectNode document, Path file) throws IOException {
        ObjectContracts.parent(file);
        YAML.writeValue(file.toFile(), document);
    }

    /** The component a {@code #/components/<section>/<name>} reference names, from the contract or the runtime's. */
    Optional<JsonNode> component(String ref) {
        String[] parts = parts(ref);
        JsonNode own = contract.path("components").path(parts[0]).path(parts[1]);
        if (!own.isMissingNode()) {
            return Optional.of(own);
        }
        JsonNode shared = runtime.path("components").path(parts[0]).path(parts[1]);
        return shared.isMissingNode() ? Optional.empty() : Optional.of(shared);
    }

    /** {@code node} itself, or what its {@code $ref} points at. */
    JsonNode resolve(JsonNode node, String where) {
        JsonNode ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        return component(ref.asText()).orElseThrow(() -> new ContractException(where + ": " + ref.asText()
                + " is defined neither in this contract nor in the runtime's (openapi.yaml)"));
    }

    /** {@code [section, name]} of a {@code #/components/<section>/<name>} reference. */
    static String[] parts(String ref) {
        String prefix = "#/components/";
        if (!ref.startsWith(prefix) || ref.substring(prefix.length()).split("/").length != 2) {
            throw new ContractException("$ref " + ref + " is not of the form #/components/<section>/<name>"
                    + " (references to other files are not supported)");
        }
        return ref.substring(prefix.length()).split("/");
    }
}
