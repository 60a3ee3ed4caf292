import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Point-in-time recovery benchmark: one Counter object (the example) takes COMMITS (10,000) committed
 * increments through REST, one at a time; bookmarks are taken through the admin API after the first,
 * one near the middle and one near the end. Then the object is restored REPS (9) times, cycling through those three
 * bookmarks (each restore undoes the previous one), and after each restore one call reads the value
 * (which must be the bookmarked one). Reports the history's disk cost per commit (its directory's size
 * over the commits), and the restore time: as the service logs it (rebuilding the file, replacing it,
 * beginning a chapter), and as a client sees it (the restore request plus the first call after it),
 * median and max.
 *
 *   java bench/pitr/PitrBench.java          (from the project root with JDK 25, after ./mvnw package -DskipTests)
 */
public class PitrBench {
    static final int COMMITS = Integer.parseInt(env("COMMITS", "10000"));
    static final int REPS = Integer.parseInt(env("REPS", "9"));
    static final Path APP = Path.of(env("CAIRN_JAR", "target/quarkus-app/quarkus-run.jar"));
    static final Path WORK = Path.of(env("WORK_DIR", "bench/.work/pitr"));
    static final Pattern BOOKMARK = Pattern.compile("\"bookmark\"\\s*:\\s*\"([^\"]+)\"");
    static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*(\\d+)");
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{64})\"");
    static final Pattern RESTORED_MS = Pattern.compile("restored to \\S+ \\(\\S+\\), replaying (\\d+) commits, in (\\d+) ms");

    static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isEmpty() ? d : v;
    }

    static int port;
    static String auth;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        auth = "Basic " + Base64.getEncoder().encodeToString("bench:bench-secret".getBytes(StandardCharsets.UTF_8));
        String hash = "sha256:benchslt:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest("benchsltbench-secret".getBytes(StandardCharsets.UTF_8)));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process cairn = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port, "-Dcairn.data-dir=" + WORK.resolve("data").toAbsolutePath(),
                "-Dcairn.security.users.bench.password-hash=" + hash, "-Dcairn.security.users.bench.roles=cairn-admin",
                "-jar", APP.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(WORK.resolve("cairn.log").toFile()).start();
        try {
            awaitReady();
            long started = System.nanoTime();
            // Not round numbers: a chapter begins every few hundred commits, and a bookmark just before the
            // next chapter replays the most.
            int[] marks = {1, COMMITS / 2 - 10, COMMITS - 3};
            List<String> bookmarks = new ArrayList<>();
            String id = null;
            for (int i = 1; i <= COMMITS; i++) {
                post("/objects/counter/pitr/increment", "{}");
                if (id == null) {
                    id = find(ID, get("/admin/namespaces/counter/objects?prefix=pitr&limit=1"));
                }
                for (int m : marks) {
                    if (m == i) {
                        bookmarks.add(find(BOOKMARK, get("/admin/objects/counter/" + id + "/bookmark")));
                    }
                }
            }
            double commitSeconds = (System.nanoTime() - started) / 1e9;
            Path history = WORK.resolve("data/counter").resolve(id.substring(0, 2)).resolve(id + ".sqlite.history");
            long historyBytes = sizeOf(history);
            long files;
            try (var list = Files.list(history)) {
                files = list.count();
            }

            List<Long> clientMs = new ArrayList<>();
            for (int r = 0; r < REPS; r++) {
                int target = r % marks.length;
                long t0 = System.nanoTime();
                post("/admin/objects/counter/" + id + "/restore", "{\"bookmark\":\"" + bookmarks.get(target) + "\"}");
                long value = Long.parseLong(find(VALUE, get("/objects/counter/pitr")));
                clientMs.add((System.nanoTime() - t0) / 1_000_000);
                if (value != marks[target]) {
                    throw new IllegalStateException("restored to the bookmark after commit " + marks[target] + " but read " + value);
                }
            }
            List<Long> serverMs = new ArrayList<>();
            List<Long> replayed = new ArrayList<>();
            Matcher m = RESTORED_MS.matcher(Files.readString(WORK.resolve("cairn.log")));
            while (m.find()) {
                replayed.add(Long.parseLong(m.group(1)));
                serverMs.add(Long.parseLong(m.group(2)));
            }
            clientMs.sort(null);
            List<Long> sortedServer = new ArrayList<>(serverMs);
            sortedServer.sort(null);
            System.out.printf("RESULT commits=%d commit_s=%.1f history_bytes=%d history_files=%d bytes_per_commit=%.0f"
                    + " restores=%d restore_ms_service_median=%d max=%d restore_ms_client_median=%d max=%d commits_replayed=%s%n",
                    COMMITS, commitSeconds, historyBytes, files, historyBytes / (double) COMMITS, REPS,
                    median(sortedServer), sortedServer.isEmpty() ? -1 : sortedServer.getLast(), median(clientMs), clientMs.getLast(), replayed);
        } finally {
            cairn.destroy();
            cairn.waitFor();
        }
    }

    static long median(List<Long> sorted) {
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    static String find(Pattern p, String body) {
        Matcher m = p.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + body);
        }
        return m.group(1);
    }

    static String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", auth).GET());
    }

    static String post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static void awaitReady() throws Exception {
        for (int i = 0; i < 1200; i++) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Cairn did not start; see " + WORK.resolve("cairn.log"));
    }

    static long sizeOf(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
