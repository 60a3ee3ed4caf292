package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.service.ConfiguredSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    }

    /** A rolling update stops the next pod only once the one just back has warmed up (its JIT compiled the hot paths). */
    @Test
    void kubernetesRollingUpdatesWaitAMinuteAfterEachPodIsReady() throws IOException {
        JsonNode set = manifests().stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        assertEquals("RollingUpdate", set.at("/spec/updateStrategy/type").asText());
        assertEquals(60, set.at("/spec/minReadySeconds").asInt());
    }

    /**
     * The StatefulSet is a cluster whose members are its own pods: one member per replica, each
     * named as its pod and reached at the pod's stable DNS name through the headless Service, which
     * publishes pods before they are ready (a node is ready only once it reaches the others), and
     * the pods start together for the same reason.
     */
    @Test
    void kubernetesMembersAreTheStatefulSetsPodsThroughTheHeadlessService() throws IOException {
        List<JsonNode> docs = manifests();
        JsonNode set = docs.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        String serviceName = set.at("/spec/serviceName").asText();
        JsonNode headless = docs.stream()
                .filter(d -> d.path("kind").asText().equals("Service") && d.at("/metadata/name").asText().equals(serviceName))
                .findFirst().orElseThrow();
        assertEquals("None", headless.at("/spec/clusterIP").asText());
        assertTrue(headless.at("/spec/publishNotReadyAddresses").asBoolean(), "peers resolve before they are ready");
        assertEquals("Parallel", set.at("/spec/podManagementPolicy").asText(), "OrderedReady would wait for cairn-0 to be ready alone");

        JsonNode container = set.at("/spec/template/spec/containers/0");
        int port = container.at("/ports/0/containerPort").asInt();
        assertEquals(port, headless.at("/spec/ports/0/port").asInt());
        List<String> envNames = new ArrayList<>();
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> {
            envNames.add(e.path("name").asText());
            env.put(e.path("name").asText(), e);
        });
        assertEquals("CAIRN_CLUSTER_NODE_ID", envName("cairn.cluster.node-id"));
        assertEquals("CAIRN_CLUSTER_MEMBERS", envName("cairn.cluster.members"));
        assertEquals("metadata.name", env.get("CAIRN_CLUSTER_NODE_ID").at("/valueFrom/fieldRef/fieldPath").asText(), "node id = pod name");
        assertEquals("metadata.namespace", env.get("CAIRN_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText());
        assertTrue(envNames.indexOf("CAIRN_NAMESPACE") < envNames.indexOf("CAIRN_CLUSTER_MEMBERS"),
                "Kubernetes expands $(CAIRN_NAMESPACE) only in variables defined after it");

        int replicas = set.at("/spec/replicas").asInt();
        assertEquals(3, replicas, "three nodes by default");
        String pod = set.at("/metadata/name").asText();
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < replicas; k++) {
            expected.add(pod + "-" + k + "=http://" + pod + "-" + k + "." + serviceName + ".$(CAIRN_NAMESPACE).svc.cluster.local:" + port);
        }
        assertEquals(expected, List.of(env.get("CAIRN_CLUSTER_MEMBERS").path("value").asText().split(",")),
                "one member per replica, in ordinal order, at its stable DNS name");
    }

    /**
     * The local cluster launcher answers a wrong command line before it starts anything: the usage
     * (exit 2) for a wrong shape, else a message naming what was wrong and what is allowed (exit 1).
     * (Starting, killing and stopping nodes is tested by the cluster ITs, which run it.)
     */
    @Test
    void localClusterLauncherNamesWhatIsWrongWithItsArguments(@TempDir Path dir) throws Exception {
        for (var wrongShape : List.of(List.<String>of(), List.of("stop", dir.toString()), List.of("up", "3"), List.of("kill", "n1"),
                List.of("partition", "n1"), List.of("restart", dir.toString()), List.of("wipe", "n1", dir.toString(), "x"))) {
            Launched usage = launch(Map.of(), wrongShape.toArray(String[]::new));
            assertEquals(2, usage.exitCode(), wrongShape + ": " + usage.output());
            assertTrue(usage.output().startsWith("usage: local-cluster.sh up N DIR [-- -Dkey=value ...]"), usage.output());
        }
        assertEquals(new Launched(1, "local-cluster.sh: N must be a number of nodes from 1 to 99, not '0'"),
                launch(Map.of(), "up", "0", dir.toString()));
        assertEquals(new Launched(1, "local-cluster.sh: 'cairn.data-dir=x' after -- is no option: give -Dkey=value"),
                launch(Map.of(), "up", "3", dir.toString(), "--", "cairn.data-dir=x"));
        assertEquals(new Launched(1, "local-cluster.sh: CAIRN_BASE_PORT must be a port from 1 to 65533 (the nodes take it and the next 2), not '65534'"),
                launch(Map.of("CAIRN_BASE_PORT", "65534"), "up", "3", dir.toString()));
        assertEquals(new Launched(1, "local-cluster.sh: CAIRN_BASE_PORT must be at most 64533: each node's Raft port is its HTTP port + 1000 "
                        + "(cairn.cluster.raft-port-offset), not '65000'"),
                launch(Map.of("CAIRN_BASE_PORT", "65000"), "up", "3", dir.toString()));
        assertEquals(new Launched(1, "local-cluster.sh: CAIRN_NETNS must be 0 (every node on 127.0.0.1) or 1 (a network namespace per node), not 'yes'"),
                launch(Map.of("CAIRN_NETNS", "yes"), "up", "3", dir.toString()));
        for (String command : List.of("kill", "stop", "cont", "wipe", "partition", "heal", "restart")) {
            assertEquals(new Launched(1, "local-cluster.sh: " + dir.toRealPath() + " holds no cluster started by 'local-cluster.sh up' (no local-cluster.env)"),
                    launch(Map.of(), command, "n1", dir.toString()), command);
        }
    }

    /** What the launcher answered: its exit code and what it printed, trimmed. */
    private record Launched(int exitCode, String output) {}

    private static Launched launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", DEPLOY.resolve("local-cluster.sh").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("CAIRN_BASE_PORT");
        builder.environment().remove("CAIRN_NETNS");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new Launched(process.exitValue(), output.strip());
    }

    /** The environment variable that sets a configuration key (MicroProfile Config's rule). */
    private static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
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
