import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alarm benchmark: OBJECTS reminder objects (the Reminder example) each get an alarm due within one
 * WINDOW_S-second window, which starts LEAD_S seconds after the moves into it begin (by default long
 * enough for them, judged by how long creating the objects took); every alarm POSTs to a webhook
 * served here, which records when it arrived.
 * First WARMUP (200) other alarms fire, uncounted, so the window does not measure a cold JVM.
 * Midway through the window the service is restarted (RESTART=term: SIGTERM, graceful; kill: SIGKILL;
 * none). Reports: alarms delivered once / more than once / never, firing lag (arrival minus scheduled
 * time) p50/p99/max, and the service's peak resident memory.
 *
 *   java bench/alarms/AlarmBench.java          (run from the project root with JDK 25; see bench/README.md)
 */
public class AlarmBench {
    static final int OBJECTS = Integer.parseInt(env("OBJECTS", "100000"));
    static final int WINDOW_S = Integer.parseInt(env("WINDOW_S", "10"));
    static final String RESTART = env("RESTART", "term");
    static final int CONCURRENCY = Integer.parseInt(env("CONCURRENCY", "64"));
    static final Path APP = Path.of(env("CAIRN_JAR", "target/quarkus-app/quarkus-run.jar"));
    static final Path WORK = Path.of(env("WORK_DIR", "bench/.work/alarms"));
    static final Pattern NAME = Pattern.compile("\"name\":\"b(\\d+)\"");
    static final Pattern SCHEDULED = Pattern.compile("\"scheduledTime\":\"([^\"]+)\"");

    static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isEmpty() ? d : v;
    }

    static final AtomicInteger[] deliveries = new AtomicInteger[OBJECTS];
    static final long[] lagMillis = new long[OBJECTS];
    static final AtomicLong peakRssKb = new AtomicLong();
    static volatile Process cairn;
    static int port;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < OBJECTS; i++) {
            deliveries[i] = new AtomicInteger();
        }
        Arrays.fill(lagMillis, -1);
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        hook.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hook.createContext("/", ex -> {
            long now = System.currentTimeMillis();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher n = NAME.matcher(body);
            Matcher s = SCHEDULED.matcher(body);
            if (n.find() && s.find()) {
                int i = Integer.parseInt(n.group(1));
                if (deliveries[i].incrementAndGet() == 1) {
                    lagMillis[i] = now - Instant.parse(s.group(1)).toEpochMilli();
                }
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";

        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startCairn();
        Thread.ofPlatform().daemon().start(AlarmBench::sampleRss);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        long t = System.nanoTime();
        setAll(http, hookUrl, i -> Instant.now().plusSeconds(86_400));
        double createS = (System.nanoTime() - t) / 1e9;
        System.out.printf("created %d objects with a far alarm in %.1f s (%.0f/s)%n", OBJECTS, createS, OBJECTS / createS);

        // Warm-up: a few alarms fire (and call the webhook) before the window, so the first alarms of the
        // window do not pay for class loading, JIT and the webhook client's start (they are not counted).
        int warmup = Integer.parseInt(env("WARMUP", "200"));
        for (int i = 0; i < warmup; i++) {
            String body = "{\"url\":\"" + hookUrl + "\",\"message\":\"warm-up\",\"inMs\":" + (i * 10) + "}";
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/objects/reminder/warm" + i))
                    .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        // The window must not start before every alarm has been moved into it. Moving costs about what
        // creating the objects did (165 s against 193 s for 100,000), so the default lead follows the
        // creation time, and is never under the 60 s the 1,000-alarm figures were measured with.
        long leadS = Long.parseLong(env("LEAD_S", String.valueOf(Math.max(60, (long) Math.ceil(createS * 1.2) + 10))));
        long window = System.currentTimeMillis() + leadS * 1000;
        t = System.nanoTime();
        setAll(http, hookUrl, i -> Instant.ofEpochMilli(window + (long) i * WINDOW_S * 1000 / OBJECTS));
        double resetS = (System.nanoTime() - t) / 1e9;
        System.out.printf("moved every alarm into the window in %.1f s (%.0f/s); window starts in %.1f s%n",
                resetS, OBJECTS / resetS, (window - System.currentTimeMillis()) / 1e3);
        if (System.currentTimeMillis() > window) {
            System.out.println("WARNING: the window started before every alarm was moved into it; raise LEAD_S");
        }

        long restartAt = window + WINDOW_S * 500L;
        long restartDowntime = 0;
        if (!RESTART.equals("none")) {
            Thread.sleep(Math.max(0, restartAt - System.currentTimeMillis()));
            long down = System.currentTimeMillis();
            int before = delivered();
            if (RESTART.equals("kill")) {
                cairn.destroyForcibly();
            } else {
                cairn.destroy();
            }
            cairn.waitFor();
            startCairn();
            restartDowntime = System.currentTimeMillis() - down;
            System.out.printf("restarted (%s) at %d of %d deliveries; down and back in %d ms%n", RESTART, before, OBJECTS, restartDowntime);
        }
        long deadline = window + WINDOW_S * 1000L + 180_000;
        while (delivered() < OBJECTS && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(2_000); // late duplicates, if any
        cairn.destroy();
        cairn.waitFor(30, TimeUnit.SECONDS);
        hook.stop(0);

        int once = 0, more = 0, never = 0;
        List<Long> lags = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            int d = deliveries[i].get();
            if (d == 0) {
                never++;
            } else {
                lags.add(lagMillis[i]);
                if (d == 1) {
                    once++;
                } else {
                    more++;
                }
            }
        }
        if (System.getenv("SHOW_LATE") != null) {
            Integer[] idx = new Integer[OBJECTS];
            for (int i = 0; i < OBJECTS; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> Long.compare(lagMillis[b], lagMillis[a]));
            StringBuilder late = new StringBuilder("latest (index:lag ms):");
            for (int i = 0; i < Math.min(20, OBJECTS); i++) {
                late.append(' ').append(idx[i]).append(':').append(lagMillis[idx[i]]);
            }
            System.out.println(late);
        }
        lags.sort(null);
        System.out.printf("RESULT objects=%d window=%ds lead=%ds warmup=%d restart=%s delivered_once=%d delivered_more=%d never=%d"
                + " lag_ms p50=%d p90=%d p99=%d max=%d peak_rss_mb=%d%n", OBJECTS, WINDOW_S, leadS, warmup, RESTART, once, more, never,
                pct(lags, 50), pct(lags, 90), pct(lags, 99), lags.isEmpty() ? -1 : lags.getLast(), peakRssKb.get() / 1024);
    }

    interface Time {
        Instant at(int i);
    }

    static void setAll(HttpClient http, String hookUrl, Time time) throws InterruptedException {
        Semaphore slots = new Semaphore(CONCURRENCY);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < OBJECTS; i++) {
            slots.acquire();
            String body = "{\"url\":\"" + hookUrl + "\",\"message\":\"m\",\"at\":\"" + time.at(i) + "\"}";
            var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/objects/reminder/b" + i))
                    .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
            int n = i;
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    if (failures.incrementAndGet() <= 5) {
                        System.out.println("set b" + n + " failed: " + (e != null ? e : r.statusCode() + " " + r.body()));
                    }
                }
                slots.release();
            });
        }
        slots.acquire(CONCURRENCY);
        if (failures.get() > 0) {
            System.out.println(failures.get() + " set calls failed");
        }
    }

    static int delivered() {
        int n = 0;
        for (AtomicInteger d : deliveries) {
            if (d.get() > 0) {
                n++;
            }
        }
        return n;
    }

    static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
    }

    static void startCairn() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        cairn = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port, "-Dcairn.data-dir=" + WORK.resolve("data").toAbsolutePath(), "-jar",
                APP.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(WORK.resolve("cairn.log").toFile()))
                .start();
        HttpClient probe = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                var r = probe.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/openapi")).build(),
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

    static void sampleRss() {
        while (true) {
            try {
                Process p = cairn;
                for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        long kb = Long.parseLong(line.replaceAll("\\D", ""));
                        peakRssKb.accumulateAndGet(kb, Math::max);
                    }
                }
            } catch (Exception gone) {
                // between two processes
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
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
