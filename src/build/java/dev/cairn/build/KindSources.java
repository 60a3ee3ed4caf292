package dev.cairn.build;

import dev.cairn.build.Kinds.Address;
import dev.cairn.build.Kinds.Kind;
import dev.cairn.build.Kinds.Operation;
import dev.cairn.build.Kinds.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes, per object kind, the interface its class implements ({@code <Kind>Api}), the typed stub
 * other code calls it through ({@code <Kind>Stub}) and the JAX-RS resource that serves its routes
 * ({@code <Kind>Endpoints}). Plain source text: nothing here is looked up at run time.
 */
final class KindSources {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}/]+)}");
    private static final String IMPORTS = """
            import java.math.BigDecimal;
            import java.time.LocalDate;
            import java.time.OffsetDateTime;
            import java.util.List;
            import java.util.Map;
            import java.util.UUID;
            """;

    private final String apiPackage;
    private final String modelPackage;
    private final String contractFile;
    private final Map<Address, List<String>> addressConstraints;

    KindSources(String apiPackage, String modelPackage, String contractFile, Map<Address, List<String>> addressConstraints) {
        this.apiPackage = apiPackage;
        this.modelPackage = modelPackage;
        this.contractFile = contractFile;
        this.addressConstraints = addressConstraints;
    }

    void writeAll(List<Kind> kinds, Path root) throws IOException {
        Path dir = root.resolve(apiPackage.replace('.', '/'));
        Files.createDirectories(dir);
        for (Kind kind : kinds) {
            Files.writeString(dir.resolve(kind.name() + "Api.java"), api(kind));
            Files.writeString(dir.resolve(kind.name() + "Stub.java"), stub(kind));
            Files.writeString(dir.resolve(kind.name() + "Endpoints.java"), endpoints(kind));
        }
    }

    private String header(String... imports) {
        var out = new StringBuilder("// Generated from " + contractFile + " by dev.cairn.build.ObjectContracts: edit the contract, not this file.\n");
        out.append("package ").append(apiPackage).append(";\n\n");
        for (String i : imports) {
            out.append("import ").append(i).append(";\n");
        }
        out.append("import ").append(modelPackage).append(".*;\n").append(IMPORTS).append('\n');
        return out.toString();
    }

    String api(Kind kind) {
        var out = new StringBuilder(header());
        out.append("""
                /**
                 * The operations of namespace {@code %s}: its object class implements this interface. Each
                 * method runs as one event of its object, on the object's thread; its writes commit before
                 * the caller gets the result. Throw {@link dev.cairn.api.Refusal} to refuse a request with
                 * one of the statuses the contract declares.
                 */
                public interface %sApi {
                    /** The namespace these operations belong to. */
                    String NAMESPACE = "%s";
                """.formatted(kind.namespace(), kind.name(), kind.namespace()));
        for (Operation op : kind.operations()) {
            out.append('\n').append(javadoc("    ", op.summary()));
            out.append("    ").append(op.result().orElse("void")).append(' ').append(op.id())
                    .append('(').append(String.join(", ", op.javaParameters())).append(");\n");
        }
        return out.append("}\n").toString();
    }

    String stub(Kind kind) {
        String k = kind.name();
        var out = new StringBuilder(header("dev.cairn.api.Namespace", "dev.cairn.api.Namespaces", "dev.cairn.api.ObjectId",
                "dev.cairn.api.Operation.Route", "dev.cairn.api.Result", "dev.cairn.api.Stub", "java.util.concurrent.CompletionStage"));
        out.append("""
                /**
                 * A typed handle on one object of namespace {@code %2$s}: one method per operation of
                 * {@link %1$sApi}. {@code op(…)} waits for the committed result, like {@link Stub#call};
                 * {@code opAsync(…)} returns at once, like {@link Stub#send}. Each call is an
                 * {@link dev.cairn.api.Operation}: run on the object where it lives, or sent to the node
                 * that owns it as the REST request of its route (the constants below).
                 */
                public final class %1$sStub {
                """.formatted(k, kind.namespace()));
        for (Operation op : kind.operations()) {
            out.append("    private static final Route<").append(op.returnType()).append("> ").append(constant(op.id()))
                    .append(" = Route.").append(op.method().toLowerCase()).append('(').append(JavaTypes.literal(op.rest()))
                    .append(", ").append(result(op.result().orElse(null))).append(')');
            if (!op.queryParameters().isEmpty()) {
                out.append("\n            .query(").append(String.join(", ",
                        op.queryParameters().stream().map(p -> JavaTypes.literal(p.name())).toList())).append(')');
            }
            out.append(";\n");
        }
        out.append("""

                    private final Stub<? extends %1$sApi> stub;

                    private %1$sStub(Stub<? extends %1$sApi> stub) {
                        this.stub = stub;
                    }

                    public static %1$sStub of(Stub<? extends %1$sApi> stub) {
                        return new %1$sStub(stub);
                    }

                    /** The namespace {@code %2$s}, whose class implements {@link %1$sApi}. */
                    public static Namespace<%1$sApi> namespace(Namespaces namespaces) {
                        return namespaces.get(%1$sApi.NAMESPACE, %1$sApi.class);
                    }

                    /** The object called {@code name}. */
                    public static %1$sStub byName(Namespaces namespaces, String name) {
                        return of(namespace(namespaces).getByName(name));
                    }

                    /** The object with this id (its 64-hex-character form). */
                    public static %1$sStub byId(Namespaces namespaces, String id) {
                        Namespace<%1$sApi> namespace = namespace(namespaces);
                        return of(namespace.get(namespace.idFromString(id)));
                    }

                    public ObjectId id() {
                        return stub.id();
                    }
                """.formatted(k, kind.namespace()));
        for (Operation op : kind.operations()) {
            String params = String.join(", ", op.javaParameters());
            String call = "o." + op.id() + "(" + String.join(", ", op.javaArguments()) + ")";
            String lambda = "(" + k + "Api o) -> " + (op.result().isPresent() ? call : "{\n            " + call + ";\n            return null;\n        }");
            var arguments = new ArrayList<String>();
            arguments.add(lambda);
            arguments.add(op.body().isPresent() ? "body" : "null");
            arguments.addAll(pathValues(op));
            op.queryParameters().forEach(p -> arguments.add(p.javaName()));
            String operation = constant(op.id()) + ".operation(" + String.join(", ", arguments) + ")";
            out.append('\n').append(javadoc("    ", op.summary()));
            out.append("    public ").append(op.result().orElse("void")).append(' ').append(op.id()).append('(').append(params).append(") {\n");
            out.append("        ").append(op.result().isPresent() ? "return " : "").append("stub.call(").append(operation).append(");\n    }\n\n");
            out.append("    public CompletionStage<").append(op.returnType()).append("> ").append(op.id()).append("Async(").append(params).append(") {\n");
            out.append("        return stub.send(").append(operation).append(");\n    }\n");
        }
        return out.append("}\n").toString();
    }

    /** The Java names of the path parameters' values, in the order the path names them. */
    private static List<String> pathValues(Operation op) {
        var out = new ArrayList<String>();
        Matcher m = PLACEHOLDER.matcher(op.rest());
        while (m.find()) {
            String name = m.group(1);
            out.add(op.pathParameters().stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new ContractException(op.method().toUpperCase() + " " + op.rest() + ": {" + name
                            + "} is not among the operation's path parameters"))
                    .javaName());
        }
        return out;
    }

    /** {@code incrementBy} as {@code INCREMENT_BY}: an operation's route constant. */
    static String constant(String operationId) {
        return operationId.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /** The {@code Result} expression of a Java result type ({@code null}: none). */
    static String result(String type) {
        if (type == null || type.equals("Void")) {
            return "Result.none()";
        }
        if (type.startsWith("List<") && type.endsWith(">")) {
            return element("listOf", type.substring("List<".length(), type.length() - 1));
        }
        if (type.startsWith("Map<String, ") && type.endsWith(">")) {
            return element("mapOf", type.substring("Map<String, ".length(), type.length() - 1));
        }
        return "Result.of(" + type + ".class)";
    }

    private static String element(String factory, String inner) {
        return "Result." + factory + "(" + (inner.contains("<") ? result(inner) : inner + ".class") + ")";
    }

    String endpoints(Kind kind) {
        String k = kind.name();
        var out = new StringBuilder(header("dev.cairn.api.Namespace", "dev.cairn.api.Namespaces", "io.quarkus.runtime.Startup",
                "jakarta.inject.Singleton", "jakarta.validation.Valid", "jakarta.validation.constraints.*", "jakarta.ws.rs.*",
                "java.util.concurrent.CompletionStage"));
        out.append("""
                /**
                 * The REST routes of namespace {@code %2$s}: each operation of {@link %1$sApi} by name and/or
                 * by id, its input checked against the contract before the object runs. Made at start-up,
                 * so that a namespace whose class does not implement {@link %1$sApi} stops the start.
                 */
                @Path("")
                @Singleton
                @Startup
                public final class %1$sEndpoints {
                    private final Namespace<%1$sApi> objects;

                    public %1$sEndpoints(Namespaces namespaces) {
                        this.objects = %1$sStub.namespace(namespaces);
                    }
                """.formatted(k, kind.namespace()));
        for (Operation op : kind.operations()) {
            for (Address address : op.addresses()) {
                out.append('\n').append(route(kind, op, address));
            }
        }
        return out.append("}\n").toString();
    }

    private String route(Kind kind, Operation op, Address address) {
        var out = new StringBuilder(javadoc("    ", op.summary()));
        out.append("    @").append(op.method().toUpperCase()).append('\n');
        out.append("    @Path(").append(JavaTypes.literal(address.path(kind.namespace(), op.rest()))).append(")\n");
        if (op.body().isPresent()) {
            out.append("    @Consumes(\"application/json\")\n");
        }
        if (op.result().isPresent()) {
            out.append("    @Produces(\"application/json\")\n");
        }
        if (op.status() != 200 && op.status() != 204) {
            out.append("    @org.jboss.resteasy.reactive.ResponseStatus(").append(op.status()).append(")\n");
        }
        List<String> params = new ArrayList<>();
        params.add(annotated("@PathParam(\"" + address.parameter + "\")", addressConstraints.get(address), "String " + address.parameter));
        for (Parameter p : op.pathParameters()) {
            params.add(annotated("@PathParam(" + JavaTypes.literal(p.name()) + ")", p.constraints(), p.type() + " " + p.javaName()));
        }
        for (Parameter p : op.queryParameters()) {
            String query = "@QueryParam(" + JavaTypes.literal(p.name()) + ")"
                    + p.defaultValue().map(d -> " @DefaultValue(" + JavaTypes.literal(d) + ")").orElse("");
            params.add(annotated(query, p.constraints(), p.type() + " " + p.javaName()));
        }
        op.body().ifPresent(b -> params.add((b.required() ? "@Valid @NotNull " : "@Valid ") + b.type() + " body"));
        String stub = switch (address) {
            case NAME -> "objects.getByName(name)";
            case ID -> "objects.get(objects.idFromString(id))";
        };
        out.append("    public CompletionStage<").append(op.returnType()).append("> ").append(op.id()).append(address.suffix)
                .append("(\n            ").append(String.join(",\n            ", params)).append(") {\n");
        out.append("        return ").append(kind.name()).append("Stub.of(").append(stub).append(").").append(op.id())
                .append("Async(").append(String.join(", ", op.javaArguments())).append(");\n    }\n");
        return out.toString();
    }

    private static String annotated(String first, List<String> constraints, String declaration) {
        var parts = new ArrayList<String>();
        parts.add(first);
        parts.addAll(constraints);
        parts.add(declaration);
        return String.join(" ", parts);
    }

    private static String javadoc(String indent, String text) {
        if (text.isBlank()) {
            return "";
        }
        return indent + "/** " + text.replace("*/", "*&#47;").replace("\n", " ").strip() + " */\n";
    }
}
