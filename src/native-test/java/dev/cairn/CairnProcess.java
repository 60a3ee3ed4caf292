package dev.cairn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The packaged service (the JVM jar, or the native binary in a native build) as a real process on
 * a free port, for tests that restart or kill it. Its output is kept for assertions.
 */
public final class CairnProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The admin user {@link #withAdmin} configures (role cairn-admin; password it-admin-secret), whose credentials {@link #sendAsAdmin} sends. */
    private static final List<String> ADMIN_USER = List.of("cairn.security.users.it-admin.password-hash=sha256:itsalt01:7297e46ce24a153375dffce249dd363024003c09f9ee7ae2f7201e949627dd50",
            "cairn.security.users.it-admin.roles=cairn-admin");
    static final String ADMIN_AUTHORIZATION = "Basic " + Base64.getEncoder()
            .encodeToString("it-admin:it-admin-secret".getBytes(StandardCharsets.UTF_8));

    private final List<Map.Entry<String, CompletableFuture<Void>>> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Process process;
    private final int port;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();

    private CairnProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread.ofPlatform().daemon().start(this::pump);
    }

    /** Starts the service on {@code dataDir} with extra {@code -Dkey=value} settings. */
    public static CairnProcess start(Path dataDir, String... settings) throws IOException {
        return start(dataDir, freePort(), settings);
    }

    /** A port free right now, for a process whose address others must know before it starts (a cluster's members). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A port free right now whose Raft port (the port plus {@code cairn.cluster.raft-port-offset}, 1000) is free too. */
    public static int freeClusterPort() throws IOException {
        for (int tries = 0; tries < 50; tries++) {
            int port = freePort();
            if (port + 1000 < 65536) {
                try (ServerSocket raft = new ServerSocket(port + 1000)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port with a free Raft port 1000 above it");
    }

    /** Whether the artifact under test is the native binary (cluster mode runs on the JVM only). */
    public static boolean nativeBinary() {
        String artifact = System.getProperty("cairn.it.artifact");
        return artifact != null && !artifact.endsWith(".jar");
    }

    /** Starts the service on {@code port} and {@code dataDir} with extra {@code -Dkey=value} settings. */
    public static CairnProcess start(Path dataDir, int port, String... settings) throws IOException {
        String artifact = System.getProperty("cairn.it.artifact");
        if (artifact == null) {
            throw new IllegalStateException("system property cairn.it.artifact is not set (run through failsafe)");
        }
        List<String> cmd = new ArrayList<>();
        if (artifact.endsWith(".jar")) {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--enable-native-access=ALL-UNNAMED");
            addSettings(cmd, dataDir, port, settings);
            cmd.add("-jar");
            cmd.add(artifact);
        } else {
            cmd.add(artifact);
            addSettings(cmd, dataDir, port, settings);
        }
        return new CairnProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), port);
    }

    private static void addSettings(List<String> cmd, Path dataDir, int port, String... settings) {
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dcairn.data-dir=" + dataDir);
        for (String s : settings) {
            cmd.add("-D" + s);
        }
    }

    private void pump() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                for (var watch : watches) {
                    if (line.contains(watch.getKey())) {
                        watch.getValue().complete(null);
                    }
                }
                if (line.contains("Listening on")) {
                    listening.complete(null);
                }
            }
        } catch (IOException e) {
            // The process ended; its exit is observed through waitFor.
        } finally {
            outputEnded.complete(null);
            listening.completeExceptionally(new IllegalStateException("the service exited before listening:\n" + output));
        }
    }

    /** Waits until the service logs that it listens. */
    public CairnProcess awaitListening() throws Exception {
        listening.get(60, TimeUnit.SECONDS);
        return this;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code settings} plus an admin user's, for a process whose admin API {@link #sendAsAdmin} reaches. */
    public static String[] withAdmin(String... settings) {
        return Stream.concat(ADMIN_USER.stream(), Arrays.stream(settings)).toArray(String[]::new);
    }

    /** Like {@link #send(String, String, String)}, with the credentials of the admin user {@link #withAdmin} configures. */
    public HttpResponse<String> sendAsAdmin(String method, String path, String body) throws Exception {
        return send(method, path, body, "Authorization", ADMIN_AUTHORIZATION);
    }

    /** Like {@link #send(String, String, String)}, with extra headers as name, value pairs. */
    public HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return HTTP.send(request(method, path, body).headers(headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Like {@link #send(String, String, String)}, failing with {@code HttpTimeoutException} after {@code timeout}. */
    public HttpResponse<String> send(String method, String path, String body, Duration timeout) throws Exception {
        return HTTP.send(request(method, path, body).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
    }

    /**
     * Waits for the process to end by itself (for start-up failures), then for the rest of its output
     * (a native binary can exit before its last lines are read); returns its exit code.
     */
    public int awaitExit() throws InterruptedException {
        OptionalInt code = awaitExit(Duration.ofSeconds(60));
        if (code.isEmpty()) {
            throw new IllegalStateException("the service did not exit:\n" + output);
        }
        return code.getAsInt();
    }

    /** SIGTERM, then waits for a graceful exit. */
    public int stop() throws InterruptedException {
        terminate();
        return awaitExit();
    }

    /**
     * SIGTERM without waiting: the graceful shutdown runs while the caller watches. Sent through the
     * process handle: {@code Process.destroy()} would also close our end of the process's output, so
     * what it logs while stopping would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /**
     * Waits up to {@code limit} for the process to end, then for the rest of its output; returns the
     * exit code, or empty if it is still running.
     */
    public OptionalInt awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.empty();
        }
        try {
            outputEnded.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the output of the ended process was not read to its end", e);
        }
        return OptionalInt.of(process.exitValue());
    }

    /**
     * SIGKILL (on Linux {@code destroyForcibly} is {@code kill -9}): no shutdown hook, no drain, no
     * graceful close. Waits for the process to be gone; returns its exit code (137 for a SIGKILL).
     */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the service did not die on SIGKILL:\n" + output);
        }
        return process.exitValue();
    }

    /** Waits until the service logs a line containing {@code text} (from now on, or already logged). */
    public void awaitLine(String text, Duration limit) throws Exception {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        watches.add(Map.entry(text, seen));
        if (output.toString().contains(text)) {
            seen.complete(null);
        }
        seen.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String output() {
        return output.toString();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            // Until it is gone: the kernel drops its data directory's lock only then, and a native binary
            // started right after (in about 10 ms) found the lock still held.
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pid " + process.pid() + " still runs 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
