package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "Test your objects" example is the code of a test that runs: CounterTest. */
class ReadmeTestKitExampleTest {
    @Test
    void theReadmesTestKitExampleIsCounterTest() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## Test your objects");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        String test = Files.readString(Path.of("src/test/java/dev/cairn/examples/CounterTest.java"));
        assertTrue(section >= 0 && test.contains(example),
                "the README's example under '## Test your objects' must be the class body of CounterTest.java, as is");
    }
}
