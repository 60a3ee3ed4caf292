package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start runs as written: every command of its {@code console} block, run through
 * {@code bash -c} against this service ({@code localhost:8080} becomes the test port), prints exactly
 * the output the README shows under it (JSON compared after parsing, anything else as text).
 *
 * <p>The README shows the counter values of a fresh data directory, so this class runs on a data
 * directory of its own that is emptied before the service starts (a profile of its own).
 */
@QuarkusTest
@TestProfile(ReadmeQuickStartTest.FreshDataDir.class)
class ReadmeQuickStartTest {
    static final Path DATA_DIR = Path.of("target/test-data-readme");
    static final Path README = Path.of("README.md");
    static final String README_HOST = "localhost:8080";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final class FreshDataDir implements QuarkusTestProfile {
        private static final AtomicBoolean EMPTIED = new AtomicBoolean();

        @Override
        public Map<String, String> getConfigOverrides() {
            if (EMPTIED.compareAndSet(false, true)) { // before the service first starts on it
                deleteRecursively(DATA_DIR);
            }
            return Map.of("cairn.data-dir", DATA_DIR.toString());
        }
    }

    @TestHTTPResource("/")
    URL service;

    record Step(String command, String expectedOutput) {}

    @Test
    void everyQuickStartCommandPrintsWhatTheReadmeShows() throws Exception {
        List<Step> steps = quickStartSteps(Files.readString(README));
        assertTrue(steps.size() >= 3, "the quick start shows at least three commands: " + steps);
        String host = service.getHost() + ":" + service.getPort();
        for (Step step : steps) {
            assertTrue(step.command().contains(README_HOST), "every command calls the service: " + step.command());
            String output = run(step.command().replace(README_HOST, host));
            assertSameOutput(step, output);
        }
    }

    @Test
    void theQuickStartUsesTheDocumentedCommands() throws IOException {
        String readme = Files.readString(README);
        assertTrue(readme.contains("    ./mvnw -DskipTests package quarkus:run\n"), "the run command");
        assertTrue(readme.contains("    ./mvnw verify\n"), "the test command");
        assertTrue(readme.contains("`./mvnw -B verify -Dnative -DskipJvmTests`"), "CI's native stage");
        String ci = Files.readString(Path.of(".ci/run"));
        assertTrue(ci.contains("\n./mvnw -B verify\n"), ".ci/run starts with the README's test command");
        assertTrue(ci.contains("\n./mvnw -B verify -Dnative -DskipJvmTests\n"), ".ci/run's native stage");
    }

    /**
     * The first {@code console} block after the heading "## Quick start": lines starting with
     * {@code $ } are commands, the lines up to the next command are what it prints.
     */
    static List<Step> quickStartSteps(String readme) {
        int section = readme.indexOf("\n## Quick start\n");
        assertTrue(section >= 0, "README has a '## Quick start' section");
        int open = readme.indexOf("\n```console\n", section);
        int nextSection = readme.indexOf("\n## ", section + 1);
        assertTrue(open >= 0 && (nextSection < 0 || open < nextSection), "the quick start has a ```console block");
        int start = open + "\n```console\n".length();
        int close = readme.indexOf("\n```", start - 1);
        List<Step> steps = new ArrayList<>();
        String command = null;
        List<String> output = new ArrayList<>();
        for (String line : readme.substring(start, close + 1).split("\n")) {
            if (line.startsWith("$ ")) {
                if (command != null) {
                    steps.add(new Step(command, String.join("\n", output)));
                }
                command = line.substring(2);
                output.clear();
            } else {
                assertFalse(command == null, "the block starts with a command: " + line);
                output.add(line);
            }
        }
        if (command != null) {
            steps.add(new Step(command, String.join("\n", output)));
        }
        return steps;
    }

    private static String run(String command) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("readme-command", ".err");
        try {
            Process p = new ProcessBuilder("bash", "-c", command).redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes(); // until the command closes its output
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "command finished: " + command);
            assertEquals(0, p.exitValue(), "exit status of " + command + "\n" + Files.readString(stderr));
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static void assertSameOutput(Step step, String actual) {
        String expected = step.expectedOutput().strip();
        JsonNode expectedJson = jsonOrNull(expected);
        if (expectedJson != null) {
            assertEquals(expectedJson, jsonOrNull(actual.strip()), "output of " + step.command() + ": " + actual);
        } else {
            assertEquals(expected, actual.strip(), "output of " + step.command());
        }
    }

    private static JsonNode jsonOrNull(String text) {
        if (!(text.startsWith("{") || text.startsWith("["))) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot empty " + dir, e);
        }
    }
}
