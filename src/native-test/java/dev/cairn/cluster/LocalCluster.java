package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A cluster of the packaged service (the jar, or the native binary in a native build) run by
 * {@code deploy/local-cluster.sh}: the tests that use it test the launcher as well. Nodes are
 * {@code n1}…{@code nN} on consecutive free ports (each node's Raft port, 1000 above its HTTP port, free
 * too), on loopback or each in a network namespace of its own ({@link Network}). Used by one test
 * thread at a time.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Path SCRIPT = Path.of("deploy/local-cluster.sh");
    private static final Path PACKAGED_JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(6);
    private static final Pattern NODE_LINE = Pattern.compile("(?m)^(n\\d+) pid=(\\d+) http=(http://([0-9.]+):(\\d+))$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Each node's Raft port is its HTTP port plus this (cairn.cluster.raft-port-offset's default). */
    private static final int RAFT_PORT_OFFSET = 1000;
    /** The lowest HTTP port picked: above the well-known and most registered services' ports. */
    private static final int LOWEST_PORT = 10000;

    /** Where the nodes listen. */
    public enum Network {
        /** Every node on 127.0.0.1. */
        LOOPBACK,
        /**
         * Every node in a network namespace of its own at 10.a.b.K, joined by a bridge that this
         * machine reaches them through ({@code CAIRN_NETNS=1}): a node can be partitioned.
         */
        NAMESPACES
    }

    /** What one run of the launcher did: its exit code and everything it printed. */
    public record Outcome(int exitCode, String output) {}

    private final Path dir;
    private final int nodes;
    private final int basePort;
    private final Network network;
    /** Node id to the URL the launcher printed for it. */
    private final Map<String, String> urls = new LinkedHashMap<>();

    private LocalCluster(Path dir, int nodes, int basePort, Network network) {
        this.dir = dir;
        this.nodes = nodes;
        this.basePort = basePort;
        this.network = network;
    }

    /**
     * {@code local-cluster.sh up nodes dir -- options} on loopback; fails unless every node became
     * ready and the launcher printed its line ({@code nK pid=<pid> http=http://127.0.0.1:<port>}).
     */
    static LocalCluster up(int nodes, Path dir, String... options) throws Exception {
        return up(nodes, dir, Network.LOOPBACK, options);
    }

    /**
     * {@code local-cluster.sh up nodes dir -- options}, with {@code CAIRN_NETNS=1} for
     * {@link Network#NAMESPACES}; fails unless every node became ready and the launcher printed its
     * line: {@code nK pid=<pid> http=http://<host>:<port>}, the host 127.0.0.1, or 10.a.b.K (one
     * network a.b for all nodes) in namespaces, the ports consecutive.
     */
    public static LocalCluster up(int nodes, Path dir, Network network, String... options) throws Exception {
        Assumptions.assumeFalse(dev.cairn.CairnProcess.nativeBinary(), "cluster mode runs on the JVM only (README: Cluster)");
        var cluster = new LocalCluster(dir, nodes, freeConsecutivePorts(nodes), network);
        List<String> args = new ArrayList<>(List.of("up", String.valueOf(nodes), dir.toString()));
        if (options.length > 0) {
            args.add("--");
            args.addAll(List.of(options));
        }
        Outcome up = cluster.run(args);
        assertEquals(0, up.exitCode(), up.output());
        Matcher line = NODE_LINE.matcher(up.output());
        Map<String, String> printed = new LinkedHashMap<>();
        List<String> networks = new ArrayList<>();
        while (line.find()) {
            String node = line.group(1);
            printed.put(node, line.group(3));
            assertTrue(Files.readString(dir.resolve(node + ".pid")).strip().equals(line.group(2)), "the pid file holds the pid printed");
            assertEquals(String.valueOf(cluster.basePort + Integer.parseInt(node.substring(1)) - 1), line.group(5), up.output());
            String host = line.group(4);
            switch (network) {
                case LOOPBACK -> assertEquals("127.0.0.1", host, up.output());
                case NAMESPACES -> {
                    assertTrue(host.startsWith("10.") && host.endsWith("." + node.substring(1)), "node " + node + " at 10.a.b." + node.substring(1) + ": " + up.output());
                    networks.add(host.substring(0, host.lastIndexOf('.')));
                }
            }
        }
        assertEquals(Set.copyOf(cluster.nodeIds()), printed.keySet(), up.output());
        assertTrue(networks.stream().distinct().count() <= 1, "one network for all nodes: " + up.output());
        for (String node : cluster.nodeIds()) {
            cluster.urls.put(node, printed.get(node));
        }
        return cluster;
    }

    /**
     * Why {@link Network#NAMESPACES} cannot run here (it needs root, {@code ip} and {@code iptables}),
     * or nothing when it can.
     */
    public static Optional<String> namespacesUnavailable() throws Exception {
        Process check = new ProcessBuilder("bash", "-c", "[[ $(id -u) == 0 ]] || { echo 'not root'; exit 1; }; "
                + "for tool in ip iptables; do command -v $tool >/dev/null || { echo \"no $tool on the PATH\"; exit 1; }; done")
                .redirectErrorStream(true).start();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!check.waitFor(30, TimeUnit.SECONDS)) {
            check.destroyForcibly();
            return Optional.of("the check for root, ip and iptables did not end");
        }
        return check.exitValue() == 0 ? Optional.empty() : Optional.of(said + " (network namespaces need root, ip and iptables)");
    }

    public Network network() {
        return network;
    }

    /** {@code local-cluster.sh kill node dir}: SIGKILL. */
    public Outcome kill(String node) throws Exception {
        return run(List.of("kill", node, dir.toString()));
    }

    /** {@code local-cluster.sh start node dir -- options}: the settings of {@code up}, then {@code options}. */
    public Outcome start(String node, String... options) throws Exception {
        return run(withOptions(List.of("start", node, dir.toString()), options));
    }

    /** {@code local-cluster.sh restart node dir -- options}: SIGTERM, waits until it exits, starts it and waits until it is ready. */
    public Outcome restart(String node, String... options) throws Exception {
        return run(withOptions(List.of("restart", node, dir.toString()), options));
    }

    /** {@code local-cluster.sh stop node dir}: SIGSTOP. */
    public Outcome stop(String node) throws Exception {
        return run(List.of("stop", node, dir.toString()));
    }

    /** {@code local-cluster.sh cont node dir}: SIGCONT. */
    public Outcome cont(String node) throws Exception {
        return run(List.of("cont", node, dir.toString()));
    }

    /** {@code local-cluster.sh wipe node dir}: deletes the data directory of a node that is down. */
    public Outcome wipe(String node) throws Exception {
        return run(List.of("wipe", node, dir.toString()));
    }

    /** {@code local-cluster.sh partition node dir}: cuts the node off from the other nodes ({@link Network#NAMESPACES} only). */
    public Outcome partition(String node) throws Exception {
        return run(List.of("partition", node, dir.toString()));
    }

    /** {@code local-cluster.sh heal node dir}: undoes {@link #partition}. */
    public Outcome heal(String node) throws Exception {
        return run(List.of("heal", node, dir.toString()));
    }

    /** {@code local-cluster.sh down dir}. */
    public Outcome down() throws Exception {
        return run(List.of("down", dir.toString()));
    }

    /** Whether the node's process runs (stopped or not), by its pid file. */
    public boolean running(String node) throws IOException {
        Path pid = dir.resolve(node + ".pid");
        if (!Files.exists(pid)) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).map(ProcessHandle::isAlive).orElse(false);
    }

    public List<String> nodeIds() {
        List<String> ids = new ArrayList<>();
        for (int k = 1; k <= nodes; k++) {
            ids.add("n" + k);
        }
        return ids;
    }

    /** {@code http://<host>:<port>} of node {@code nK}, as the launcher printed it. */
    public String url(String node) {
        String url = urls.get(node);
        if (url == null) {
            throw new IllegalArgumentException("no node " + node + ": the nodes are " + nodeIds());
        }
        return url;
    }

    /** The members setting the launcher gives every node. */
    String members() {
        return String.join(",", nodeIds().stream().map(id -> id + "=" + url(id)).toList());
    }

    Path log(String node) {
        return dir.resolve(node + ".log");
    }

    /** A JSON request (or none, with {@code body} null) to {@code path} on {@code node}. */
    public HttpResponse<String> send(String node, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url(node) + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to a cluster node: {@link #send} with its arguments. */
    interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * {@code request} sent again while it is answered 503 (an election or a move under way; each such
     * problem must say it is retryable), until {@code deadline}: the first other answer, or the last 503.
     * Waits 100 ms before the first retry, twice as long before each next one, at most a second, as a
     * client should: retries sent at once only add to the commits a slow group is behind on.
     */
    static HttpResponse<String> retryingUnavailable(Request request, Instant deadline) throws Exception {
        long pauseMs = 100;
        while (true) {
            HttpResponse<String> answer = request.send();
            if (answer.statusCode() != 503 || !Instant.now().isBefore(deadline)) {
                return answer;
            }
            assertTrue(answer.body().contains("\"retryable\":true"), "a 503 says it is retryable: " + answer.body());
            Thread.sleep(pauseMs);
            pauseMs = Math.min(1000, pauseMs * 2);
        }
    }

    /**
     * Waits until every node answers {@code /q/health/ready} with 200. The launcher's {@code start}
     * waits for the node it starts; the others see it again at their next probe of it.
     */
    public void awaitEveryNodeReady(Duration limit) throws Exception {
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

    /**
     * Waits until every group is led by its preferred member, as {@code node} sees it ({@code GET
     * /cluster}). Right after start-up leadership moves there (a few planned moves, answering retryable
     * 503s meanwhile); tests that count or place by owner start once it is spread.
     */
    public void awaitLeadershipSpread(String node, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            HttpResponse<String> view = send(node, "GET", "/cluster", null);
            assertEquals(200, view.statusCode(), view.body());
            List<String> elsewhere = new ArrayList<>();
            JSON.readTree(view.body()).path("groups").forEach(group -> {
                if (!group.path("leader").asText("").equals(group.path("preferredLeader").asText())) {
                    elsewhere.add("group " + group.path("group") + " led by " + group.path("leader") + ", preferring " + group.path("preferredLeader"));
                }
            });
            if (elsewhere.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("leadership not spread after " + limit + ", as " + node + " sees it: " + elsewhere);
            }
            Thread.sleep(200);
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
        // A restarted member replays its log since each group's snapshot before it is ready: slow on a loaded machine.
        builder.environment().putIfAbsent("CAIRN_START_TIMEOUT", "300");
        builder.environment().put("CAIRN_NETNS", network == Network.NAMESPACES ? "1" : "0");
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

    private static List<String> withOptions(List<String> args, String... options) {
        List<String> all = new ArrayList<>(args);
        if (options.length > 0) {
            all.add("--");
            all.addAll(List.of(options));
        }
        return all;
    }

    /**
     * A first port such that it and the next {@code count - 1} (the HTTP ports) are free on loopback
     * now, and so are the same ports {@link #RAFT_PORT_OFFSET} above (the Raft ports). All of them lie
     * below the kernel's ephemeral range: the nodes started first connect out from ephemeral ports,
     * and one of those could take a port picked there before the node it was picked for listens on it.
     */
    private static int freeConsecutivePorts(int count) throws IOException {
        int belowEphemeral = firstEphemeralPort() - RAFT_PORT_OFFSET - count;
        // A kernel whose ephemeral range starts low leaves no room below it: then any port free now.
        int highest = belowEphemeral > LOWEST_PORT ? belowEphemeral : 65535 - RAFT_PORT_OFFSET - count;
        var random = new java.util.Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = LOWEST_PORT + random.nextInt(highest - LOWEST_PORT);
            if (allFree(first, count) && allFree(first + RAFT_PORT_OFFSET, count)) {
                return first;
            }
        }
        throw new IllegalStateException("found no " + count + " consecutive free ports on 127.0.0.1 from " + LOWEST_PORT + " to "
                + highest + " with the " + count + " ports " + RAFT_PORT_OFFSET + " above them free too");
    }

    /** The low end of the kernel's ephemeral port range (Linux's default when it cannot be read). */
    private static int firstEphemeralPort() {
        try {
            // Not Files.readString: the file's size reads as 0 and JDK 25 then returns its first byte only.
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
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
