package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.service.CairnConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Defaults are written once, in {@link CairnConfig}'s {@code @WithDefault}s: the table of
 * docs/configuration.md only repeats them for readers, and this test holds it to them.
 */
class ConfigurationDocsTest {
    /** A table row: the key, and a default written as code. */
    private static final Pattern ROW = Pattern.compile("^\\| `(cairn\\.[a-z.-]+)` \\| `([^`]+)` \\|", Pattern.MULTILINE);

    @Test
    void everyDefaultTheDocumentationShowsIsTheMappingsDefault() throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(CairnConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).build();
        Matcher row = ROW.matcher(Files.readString(Path.of("docs/configuration.md")));
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        while (row.find()) {
            String actual = config.getConfigValue(row.group(1)).getValue();
            if (!row.group(2).equals(actual)) {
                wrong.add(row.group(1) + ": documented " + row.group(2) + ", the mapping's default is " + actual);
            }
            checked++;
        }
        assertTrue(checked >= 25, "expected the table of docs/configuration.md to list the cairn.* keys; found " + checked);
        assertEquals(List.of(), wrong);
    }
}
