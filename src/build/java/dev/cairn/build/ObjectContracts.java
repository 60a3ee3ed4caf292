package dev.cairn.build;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The build step that turns an object contract into what serves it. Run by Maven before
 * openapi-generator (pom.xml, profile {@code examples}) as a source-file program:
 *
 * <pre>java -cp &lt;project classpath&gt; src/build/java/dev/cairn/build/ObjectContracts.java
 *     contract=src/main/openapi/examples.yaml runtime=src/main/openapi/openapi.yaml
 *     package=dev.cairn.examples sources=target/generated-sources/cairn-objects
 *     served=target/cairn-contract/META-INF/openapi/examples.yaml models=target/cairn-contract/models/examples.yaml</pre>
 *
 * <p>An object contract writes each operation once, under {@code /<namespace>/…}, marked with
 * {@code x-cairn-object: {namespace: …, address: name|id|both}}. This step checks it, then writes:
 * <ul>
 *   <li>{@code served}: the contract as clients see it, every operation at
 *       {@code /objects/<namespace>/{name}/…} and/or {@code /ids/<namespace>/{id}/…}, with the
 *       runtime's shared parameters, responses and schemas it refers to copied in;</li>
 *   <li>{@code models}: the same, marked for openapi-generator, which writes the model classes;</li>
 *   <li>{@code sources}: per object kind, the interface its class implements ({@code <Kind>Api}),
 *       a typed stub ({@code <Kind>Stub}) and the JAX-RS resource ({@code <Kind>Endpoints}), in
 *       {@code <package>.api}; models are {@code <package>.model}.</li>
 * </ul>
 * Any mistake in the contract stops the build with a message that names the operation and says
 * what is allowed.
 */
public final class ObjectContracts {

    private ObjectContracts() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path contract = Path.of(required(options, "contract"));
        String basePackage = required(options, "package");
        try {
            var documents = new Documents(Documents.read(contract), Documents.read(Path.of(required(options, "runtime"))));
            var kinds = new ContractReader(documents).kinds();
            ObjectNode served = new ContractExpansion(documents).served(kinds);
            Documents.write(served, Path.of(required(options, "served")));
            Documents.write(ContractExpansion.forModels(served), Path.of(required(options, "models")));
            new KindSources(basePackage + ".api", basePackage + ".model", contract.getFileName().toString(),
                    new JavaTypes(documents, ContractReader.MAPPED).addressConstraints())
                    .writeAll(kinds, Path.of(required(options, "sources")));
        } catch (ContractException e) {
            System.err.println("[ERROR] " + contract + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing argument " + key + "=…");
        }
        return value;
    }

    /** Ensures the directory of {@code file} exists. */
    static void parent(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
    }
}
