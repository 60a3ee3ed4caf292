package dev.cairn.clients;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the programs the client tests run besides the JVM: node, the TypeScript compiler, and a python
 * with the generated client's packages. {@code .ci/run} installs whatever is missing (its
 * ensure_node, ensure_typescript and ensure_client_python functions), so under CI ({@code CI=true}) a
 * missing one fails the test; elsewhere the test is skipped, saying what to install. Stateless.
 */
final class ClientToolchain {
    /** Where .ci/run installs the typescript package (npm install --prefix), outside target/ so that it outlives a clean build. */
    static final Path TYPESCRIPT = Path.of(System.getProperty("user.home"), ".cache", "cairn-clients", "typescript");
    /** The modules the python generator's client imports; pydantic must be 2 or newer. */
    private static final String PYTHON_CHECK =
            "import pydantic, urllib3, dateutil, typing_extensions; assert int(pydantic.VERSION.split('.')[0]) >= 2, pydantic.VERSION";

    private ClientToolchain() {
    }

    static Path node() {
        return onPath("node").orElseGet(() -> missing("no node on the PATH: apt-get install nodejs npm"));
    }

    /** The TypeScript compiler's script, run with {@link #node()}. */
    static Path tsc() {
        Path tsc = TYPESCRIPT.resolve("node_modules/typescript/bin/tsc");
        return Files.isRegularFile(tsc) ? tsc : missing("no TypeScript compiler at " + tsc
                + ": npm install --prefix " + TYPESCRIPT + " typescript (.ci/run's ensure_typescript installs the version CI uses)");
    }

    /**
     * {@code $CAIRN_PYTHON}, else {@code python3} on the PATH, provided it imports pydantic 2+,
     * urllib3, python-dateutil and typing-extensions.
     */
    static String python() throws Exception {
        String python = Optional.ofNullable(System.getenv("CAIRN_PYTHON")).filter(p -> !p.isBlank()).orElse("python3");
        Path dir = Path.of("target", "clients");
        Files.createDirectories(dir);
        Command.Result check;
        try {
            check = Command.of(dir, Duration.ofSeconds(60), python, "-c", PYTHON_CHECK).run();
        } catch (IOException e) {
            return missing("cannot run " + python + " (" + e.getMessage() + "): install python3, or set CAIRN_PYTHON");
        }
        if (check.exit() != 0) {
            return missing(python + " lacks a package the generated python client needs (pydantic 2+, urllib3,"
                    + " python-dateutil, typing-extensions); .ci/run installs them:\n" + check.err().strip());
        }
        return python;
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    /** Fails under CI, where .ci/run should have installed it; skips, saying why, elsewhere. */
    private static <T> T missing(String why) {
        if ("true".equals(System.getenv("CI"))) {
            return fail(why);
        }
        return Assumptions.abort(why);
    }
}
