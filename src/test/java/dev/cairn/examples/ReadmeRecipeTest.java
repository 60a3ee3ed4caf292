package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Write an object" is the recipe the repository follows: its contract fragment is
 * Counter's in examples.yaml, its class is an excerpt of Counter.java, its properties line is the
 * examples' (and Inventory, five operations, was added the same way: InventoryApiTest).
 */
class ReadmeRecipeTest {
    private static final Pattern BLOCK = Pattern.compile("```(yaml|java)\n(.*?)```", Pattern.DOTALL);

    private static String section() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Write an object\n");
        assertTrue(start >= 0, "README has a '## Write an object' section");
        return readme.substring(start, readme.indexOf("\n## ", start + 1));
    }

    /** The block's lines without their trailing comments, each of which must be a line of {@code file}. */
    private static void assertExcerptOf(String block, Path file, String comment) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().map(String::strip).toList();
        for (String line : block.split("\n")) {
            String code = line.replaceAll("\\s+" + Pattern.quote(comment) + " .*$", "").strip();
            if (!code.isEmpty()) {
                assertTrue(lines.contains(code), file + " has the README's line: " + code);
            }
        }
    }

    @Test
    void theContractFragmentAndTheClassAreCountersAsTheyAre() throws IOException {
        Matcher blocks = BLOCK.matcher(section());
        assertTrue(blocks.find(), "a yaml block");
        assertExcerptOf(blocks.group(2), Path.of("src/main/openapi/examples.yaml"), "#");
        assertTrue(blocks.find(), "a java block");
        assertExcerptOf(blocks.group(2), Path.of("src/main/java/dev/cairn/examples/Counter.java"), "//");
    }

    @Test
    void thePropertiesLineIsTheExamplesOwn() throws IOException {
        String line = "cairn.namespaces.counter.class=dev.cairn.examples.Counter";
        assertTrue(section().contains("    " + line + "\n"), "the README shows " + line);
        assertTrue(Files.readAllLines(Path.of("src/main/resources/META-INF/microprofile-config.properties")).contains(line));
        assertFalse(Files.exists(Path.of("src/main/java/dev/cairn/examples/CounterResource.java")), "no hand-written resource");
    }
}
