package dev.cairn.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external program run to its end: the generator, the TypeScript compiler, node, python. Its
 * standard output and error go to files beside its working directory, so that nothing has to drain
 * pipes while it runs and a failure can show both. Used by one test thread at a time.
 */
record Command(List<String> args, Path dir, Map<String, String> env, Duration timeout) {

    /** What a finished program printed. */
    record Result(int exit, String out, String err) {
        /** Both streams, for failure messages. */
        String printed() {
            return "--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Command of(Path dir, Duration timeout, String... args) {
        return new Command(List.of(args), dir, Map.of(), timeout);
    }

    Command withEnv(String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return new Command(args, dir, Map.copyOf(more), timeout);
    }

    /** Runs the program; fails when it does not end within the timeout (it is then killed). */
    Result run() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir.getParent(), dir.getFileName() + "-", ".out");
        Path err = Files.createTempFile(dir.getParent(), dir.getFileName() + "-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(args).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close(); // none of them reads its input
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(this + " did not finish within " + timeout + "\n"
                        + new Result(-1, read(out), read(err)).printed());
            }
            return new Result(process.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs the program and fails, showing what it printed, unless it exits with 0. */
    Result runOk() throws IOException, InterruptedException {
        Result r = run();
        if (r.exit() != 0) {
            throw new AssertionError(this + " exited with " + r.exit() + "\n" + r.printed());
        }
        return r;
    }

    @Override
    public String toString() {
        return String.join(" ", args);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
