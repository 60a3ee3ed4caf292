package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A cluster of the packaged service (the jar, or the native binary in a native build) on loopback,
 * run by {@code deploy/local-cluster.sh}: the tests that use it test the launcher as well. Nodes are
 * {@code n1}…{@code nN} on consecutive free ports. Used by one test thread.
 */
final class LocalCluster implements AutoCloseable {
    private static final Path SCRIPT = Path.of("deploy/local-cluster.sh");
    private static final Path PACKAGED_JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(3);
    private static final Pattern NODE_LINE = Pattern.compile("(?m)^(n\\d+) pid=(\\d+) http=(http://127\\.0\\.0\\.1:(\\d+))$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What one run of the launcher did: its exit code and everything it printed. */
    record Outcome(int exitCode, String output) {}

    private final Path dir;
    private final int nodes;
    private final int basePort;

    private LocalCluster(Path dir, int nodes, int basePort) {
        this.dir = dir;
        this.nodes = nodes;
        this.basePort = basePort;
    }

    /**
     * {@code local-cluster.sh up nodes dir -- options}; fails unless every node became ready and the
     * launcher printed its line ({@code nK pid=<pid> http=http://127.0.0.1:<port>}).
     */
    static LocalCluster up(int nodes, Path dir, String... options) throws Exception {
        Assumptions.assumeFalse(dev.cairn.CairnProcess.nativeBinary(), "cluster mode runs on the JVM only (README: Cluster)");
        var cluster = new LocalCluster(dir, nodes, freeConsecutivePorts(nodes));
        List<String> args = new ArrayList<>(List.of("up", String.valueOf(nodes), dir.toString()));
        if (options.length > 0) {
            args.add("--");
            args.addAll(List.of(options));
        }
        Outcome up = cluster.run(args);
        assertEquals(0, up.exitCode(), up.output());
        List<String> printed = new ArrayList<>();
        Matcher line = NODE_LINE.matcher(up.output());
        while (line.find()) {
            printed.add(line.group(1) + " " + line.group(3));
            assertTrue(Files.readString(dir.resolve(line.group(1) + ".pid")).strip().equals(line.group(2)), "the pid file holds the pid printed");
        }
        printed.sort(null);
        List<String> expected = new ArrayList<>();
        for (int k = 1; k <= nodes; k++) {
            expected.add("n" + k + " " + cluster.url("n" + k));
        }
        expected.sort(null);
        assertEquals(expected, printed, up.output());
        return cluster;
    }

    /** {@code local-cluster.sh kill node dir}: SIGKILL. */
    Outcome kill(String node) throws Exception {
        return run(List.of("kill", node, dir.toString()));
    }

    /** {@code local-cluster.sh start node dir -- options}: the settings of {@code up}, then {@code options}. */
    Outcome start(String node, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("start", node, dir.toString()));
        if (options.length > 0) {
            args.add("--");
            args.addAll(List.of(options));
        }
        return run(args);
    }

    /** {@code local-cluster.sh down dir}. */
    Outcome down() throws Exception {
        return run(List.of("down", dir.toString()));
    }

    List<String> nodeIds() {
        List<String> ids = new ArrayList<>();
        for (int k = 1; k <= nodes; k++) {
            ids.add("n" + k);
        }
        return ids;
    }

    /** {@code http://127.0.0.1:<port>} of node {@code nK}. */
    String url(String node) {
        return "http://127.0.0.1:" + (basePort + Integer.parseInt(node.substring(1)) - 1);
    }

    /** The members setting the launcher gives every node. */
    String members() {
        return String.join(",", nodeIds().stream().map(id -> id + "=" + url(id)).toList());
    }

    Path log(String node) {
        return dir.resolve(node + ".log");
    }

    /** A JSON request (or none, with {@code body} null) to {@code path} on {@code node}. */
    HttpResponse<String> send(String node, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url(node) + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits until every node answers {@code /q/health/ready} with 200. The launcher's {@code start}
     * waits for the node it starts; the others see it again at their next probe of it.
     */
    void awaitEveryNodeReady(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        for (String node : nodeIds()) {
            while (true) {
                HttpResponse<String> ready = send(node, "GET", "/q/health/ready", null);
                if (ready.statusCode() == 200) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(node + " is not ready after " + limit + ": " + ready.body());
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() throws Exception {
        Outcome down = down();
        assertEquals(0, down.exitCode(), down.output());
    }

    private Outcome run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CAIRN_BASE_PORT", String.valueOf(basePort));
        // The JDK that runs the tests runs the jar too.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        String artifact = System.getProperty("cairn.it.artifact");
        if (artifact == null) {
            throw new IllegalStateException("system property cairn.it.artifact is not set (run through failsafe)");
        }
        if (artifact.endsWith(".jar")) {
            if (!Files.isSameFile(Path.of(artifact), PACKAGED_JAR)) {
                throw new IllegalStateException("the launcher runs " + PACKAGED_JAR + ", not the artifact under test " + artifact);
            }
            builder.environment().remove("CAIRN_BIN");
        } else {
            builder.environment().put("CAIRN_BIN", artifact);
        }
        Path output = Files.createTempFile(dir.getParent(), "local-cluster-", ".out");
        Process process = builder.redirectOutput(output.toFile()).start();
        if (!process.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("local-cluster.sh " + args + " did not end within " + SCRIPT_LIMIT + ":\n" + Files.readString(output));
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Outcome(process.exitValue(), printed);
    }

    /** A first port such that it and the next {@code count - 1}, and the same 1000 above (Raft), are free on loopback now. */
    private static int freeConsecutivePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                first = probe.getLocalPort();
            }
            // Each node's Raft port is its HTTP port + 1000 (cairn.cluster.raft-port-offset).
            if (first + count - 1 + 1000 <= 65535 && allFree(first, count) && allFree(first + 1000, count)) {
                return first;
            }
        }
        throw new IllegalStateException("found no " + count + " consecutive free ports on 127.0.0.1");
    }

    private static boolean allFree(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (var s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
