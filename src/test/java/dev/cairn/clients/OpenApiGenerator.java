package dev.cairn.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * OpenAPI Generator's command line ({@code target/openapi-generator-cli.jar}, copied there by the
 * build at the version the build generates with), run as a process of its own so that its
 * dependencies stay off the tests' class path. A generation fails on any warning or error it logs,
 * but for the ones {@link #ALLOWED} lists. Stateless.
 */
final class OpenApiGenerator {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    // The generator's log lines: "[main] WARN  o.o.c.l.AbstractTypeScriptClientCodegen - message".
    private static final Pattern LOGGED = Pattern.compile("^\\[[^]]+] (WARN|ERROR)\\s+(\\S+) - (.*)$", Pattern.MULTILINE);

    /** A warning the generator prints whatever the contract: {@code generator}'s {@code logger} logs {@code message}. */
    private record Allowed(String generator, String logger, String message) {
        boolean matches(String generator, String logger, String message) {
            return this.generator.equals(generator) && this.logger.equals(logger) && this.message.equals(message);
        }
    }

    private static final List<Allowed> ALLOWED = List.of(
            // python 7.25.0 logs this once for any contract with an object schema that has a property
            // (a contract of one schema, {type: object, properties: {a: {type: string}}}, is enough):
            // the generator's own, not the contract's.
            new Allowed("python", "o.o.codegen.utils.ModelUtils", "Failed to get the schema name: null"));

    private final Path jar;

    OpenApiGenerator(Path jar) {
        this.jar = jar;
    }

    /** The jar the build copied (system property {@code clients.generator.jar}, set by surefire; not under cairn., which the service's configuration checks). */
    static OpenApiGenerator fromBuild() {
        String jar = System.getProperty("clients.generator.jar", "target/openapi-generator-cli.jar");
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("no OpenAPI Generator jar at " + path
                    + ": the build copies it at generate-test-resources (./mvnw generate-test-resources)");
        }
        return new OpenApiGenerator(path);
    }

    /**
     * Generates a client with {@code generator} from {@code contract} into {@code output} (emptied
     * first), with the generator's further {@code options}; fails on a warning not {@link #ALLOWED}.
     */
    void generate(String generator, Path contract, Path output, String... options) throws Exception {
        empty(output);
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString(), "generate", "-g", generator,
                "-i", contract.toAbsolutePath().toString(), "-o", output.toAbsolutePath().toString()));
        args.addAll(List.of(options));
        Command.Result result = new Command(args, output, Map.of(), TIMEOUT).runOk();
        assertEquals(List.of(), warnings(generator, result.out() + "\n" + result.err()),
                "OpenAPI Generator's " + generator + " warned about the contract " + contract);
    }

    /** Deletes what an earlier run generated, so that no file of an older contract stays. */
    private static void empty(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(dir);
    }

    /** The warnings and errors in the generator's output that are not {@link #ALLOWED}. */
    static List<String> warnings(String generator, String printed) {
        List<String> unexpected = new ArrayList<>();
        Matcher m = LOGGED.matcher(printed);
        while (m.find()) {
            String logger = m.group(2);
            String message = m.group(3).strip();
            if (ALLOWED.stream().noneMatch(a -> a.matches(generator, logger, message))) {
                unexpected.add(m.group(1) + " " + logger + " - " + message);
            }
        }
        return unexpected.stream().distinct().toList();
    }
}
