package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.service.ConfiguredSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files agree with the service: the time they give a stop before SIGKILL covers the
 * service's own shutdown limits, the probes and volume point where the service expects them, the
 * native binary starts the fast way. (That systemd's open-file limit fits the default number of
 * active objects is checked where the cap is computed: ConfigurationTest, in the service package.)
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("deploy");

    /** The longest a graceful stop may take, from application.properties and the engine's default drain timeout. */
    private static Duration longestStop(Duration delay) throws IOException {
        var props = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            props.load(in);
        }
        Duration http = Duration.parse("PT" + props.getProperty("quarkus.shutdown.timeout").toUpperCase());
        String drain = props.getProperty("cairn.shutdown-drain-timeout");
        Duration drainTimeout = drain != null ? Duration.parse("PT" + drain.toUpperCase())
                : ConfiguredSettings.mapping(Map.of()).shutdownDrainTimeout(); // CairnConfig's default
        return delay.plus(http).plus(drainTimeout);
    }

    private static List<JsonNode> manifests() throws IOException {
        var yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = yaml.getFactory().createParser(DEPLOY.resolve("kubernetes/cairn.yaml").toFile())) {
            yaml.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }

    @Test
    void kubernetesWaitsLongerThanTheGracefulStopAndProbesTheHealthEndpoints() throws IOException {
        JsonNode set = manifests().stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        JsonNode pod = set.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        Duration delay = Duration.ZERO;
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("QUARKUS_SHUTDOWN_DELAY")) {
                delay = Duration.parse("PT" + env.path("value").asText().toUpperCase());
            }
            if (env.path("name").asText().equals("CAIRN_DATA_DIR")) {
                assertEquals("/data", env.path("value").asText());
            }
        }
        long grace = pod.path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > longestStop(delay).toSeconds(), "terminationGracePeriodSeconds " + grace + " <= " + longestStop(delay));
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertTrue(container.at("/readinessProbe/timeoutSeconds").asInt() > 2, "longer than the data directory probe's 2 s");
        assertEquals("/data", container.at("/volumeMounts/0/mountPath").asText());
        assertEquals("data", set.at("/spec/volumeClaimTemplates/0/metadata/name").asText());
        assertEquals(1, set.at("/spec/replicas").asInt(), "one node: objects are not routed between replicas");
    }

    @Test
    void systemdWaitsLongerThanTheGracefulStopAndCountsExit143AsSuccess() throws IOException {
        String unit = Files.readString(DEPLOY.resolve("systemd/cairn.service"));
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertTrue(stop.find());
        assertTrue(Long.parseLong(stop.group(1)) > longestStop(Duration.ZERO).toSeconds());
        assertTrue(unit.contains("\nSuccessExitStatus=143\n"));
        assertTrue(unit.contains("\nKillSignal=SIGTERM\n"));
    }

    /**
     * The shipped native deployments run with the options of the README's start-up figures: SQLite's
     * library loaded from a file of the same version (not extracted and checked at the first open)
     * and an 8 MB young generation.
     */
    @Test
    void nativeDeploymentsLoadSqlitesLibraryFromAFileAndCapTheYoungGeneration() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile.native"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        assertTrue(entry.find());
        List<String> command = new ArrayList<>();
        new ObjectMapper().readTree(entry.group(1)).forEach(a -> command.add(a.asText()));
        assertEquals("/work/cairn", command.getFirst());
        assertTrue(command.contains("-Dorg.sqlite.lib.path=/work/lib") && command.contains("-Xmn8m"), command.toString());
        assertTrue(dockerfile.contains("\nCOPY --from=build --chmod=0644 /code/target/sqlite-lib/libsqlitejdbc.so /work/lib/\n"));
        assertUnpacksTheProjectsSqliteJdbc(dockerfile);

        String unit = Files.readString(DEPLOY.resolve("systemd/cairn.service"));
        Matcher exec = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unit);
        assertTrue(exec.find());
        assertEquals(List.of("/opt/cairn/cairn", "-Dorg.sqlite.lib.path=/opt/cairn/lib", "-Xmn8m"), List.of(exec.group(1).split(" ")));
        assertTrue(unit.contains(" /opt/cairn/lib/libsqlitejdbc.so\n"), "the install steps put the library there");
        assertUnpacksTheProjectsSqliteJdbc(unit);
    }

    /** The library comes out of the sqlite-jdbc the project builds with (the pom's version property). */
    private static void assertUnpacksTheProjectsSqliteJdbc(String file) throws IOException {
        assertTrue(file.contains("-Dartifact='org.xerial:sqlite-jdbc:${sqlite-jdbc.version}'"));
        assertTrue(file.contains("-Dmdep.unpack.includes=\"org/sqlite/native/Linux/$(uname -m)/libsqlitejdbc.so\""));
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<sqlite-jdbc.version>") && pom.contains("<version>${sqlite-jdbc.version}</version>"));
    }
}
