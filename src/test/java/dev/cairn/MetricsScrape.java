package dev.cairn;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /q/metrics} in Prometheus text format: every sample by its name and labels.
 * Shared by the JVM test and the test against the packaged service.
 */
public record MetricsScrape(List<Sample> samples) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {}

    public static MetricsScrape now() {
        // What Prometheus asks for when it does not want OpenMetrics (the default for other clients).
        String text = given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                .contentType(startsWith("text/plain")).extract().asString();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new MetricsScrape(samples);
    }

    /** The value of the one sample with this name and (at least) these labels, given as name, value, …. */
    public double value(String name, String... labels) {
        List<Sample> found = samples.stream().filter(s -> s.name.equals(name) && hasLabels(s, labels)).toList();
        assertEquals(1, found.size(), () -> name + " " + String.join(",", labels) + ": " + found);
        return found.getFirst().value;
    }

    /** {@code cairn_calls_total} of one namespace and outcome. */
    public double calls(String namespace, String outcome) {
        return value("cairn_calls_total", "namespace", namespace, "outcome", outcome);
    }

    private static boolean hasLabels(Sample s, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
