// WebSocket benchmark client for Cairn's ChatRoom (namespace chat). Run with the JDK 25 launcher:
//   java bench/ws/WsBench.java --url ws://127.0.0.1:18090 --pid <server pid> [--rooms 100] [--per-room 100]
//        [--broadcasts 200] [--interval-ms 25] [--idle-wait-s 20] [--concurrency 256]
// Prints RESULT lines (key=value) that bench/ws/run.sh collects. No dependencies beyond the JDK.
//
// 1. Baseline: warm-up sockets join and leave a room; wait for hibernation; GC + native trim in the
//    server (jcmd); read the server's VmRSS and heap use.
// 2. Connect rooms x per-room sockets (user u<j> in room r<i>), at most --concurrency handshakes at once.
// 3. Wait until every room hibernated (no .sqlite file open in the server: an active object keeps
//    its database open), then GC + trim again and read VmRSS/heap: (after - baseline) / sockets is the
//    memory per hibernated connection.
// 4. Fan-out: in room r0 (hibernated, per-room members), u0 sends --broadcasts messages carrying a
//    sequence number, --interval-ms apart; every member (u0 too) notes when each arrives. Latency =
//    arrival - send, per (message, member); p50/p99 over all; the first message (which wakes the room)
//    is reported on its own.
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class WsBench {
    static String url;
    static long pid;
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
    static final AtomicLong received = new AtomicLong();

    /** One member: counts what arrives; in the measured room also timestamps the broadcasts. */
    static final class Member implements WebSocket.Listener {
        final StringBuilder part = new StringBuilder();
        final long[] arrivals; // nanoTime per broadcast sequence number, 0 = not yet
        final CountDownLatch joined = new CountDownLatch(1);
        final AtomicInteger seen = new AtomicInteger();
        WebSocket ws;

        Member(int broadcasts) {
            this.arrivals = broadcasts > 0 ? new long[broadcasts] : null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (arrivals != null || part.length() > 0 || !last) {
                part.append(data);
            }
            if (last) {
                received.incrementAndGet();
                CharSequence m = part.length() > 0 ? part : data;
                if (joined.getCount() > 0 && contains(m, "\"type\":\"join\"")) {
                    joined.countDown();
                }
                if (arrivals != null) {
                    int at = indexOf(m, "\"text\":\"bench ");
                    if (at >= 0 && contains(m, "\"type\":\"message\"")) {
                        int start = at + "\"text\":\"bench ".length();
                        int end = start;
                        while (Character.isDigit(m.charAt(end))) {
                            end++;
                        }
                        int seq = Integer.parseInt(m.subSequence(start, end).toString());
                        arrivals[seq] = now;
                        seen.incrementAndGet();
                    }
                }
                part.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            System.err.println("socket error: " + error);
        }
    }

    static boolean contains(CharSequence s, String needle) {
        return indexOf(s, needle) >= 0;
    }

    static int indexOf(CharSequence s, String needle) {
        return s.toString().indexOf(needle);
    }

    static Member connect(String room, String user, int broadcasts) throws Exception {
        Member m = new Member(broadcasts);
        m.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url + "/objects/chat/" + room + "/ws?user=" + user), m)
                .get(60, TimeUnit.SECONDS);
        return m;
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    static String jcmd(String... args) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> cmd = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** Full GC, then give freed native memory back, in the server; returns heap used in KB. */
    static long settle() throws Exception {
        for (int i = 0; i < 2; i++) {
            jcmd("GC.run");
        }
        jcmd("System.trim_native_heap");
        String info = jcmd("GC.heap_info");
        // e.g. " garbage-first heap   total reserved 393216K, committed 77824K, used 31522K [..."
        for (String line : info.split("\n")) {
            int at = line.indexOf(" used ");
            if (line.contains("heap") && at >= 0) {
                return Long.parseLong(line.substring(at + 6).replaceAll("K.*", "").trim());
            }
        }
        return -1;
    }

    /**
     * Active objects = object SQLite files the server holds open (an object keeps its database open
     * while active); the node's alarm index, which its connection pool may keep open, is not one.
     */
    static int openDatabases() throws IOException {
        int n = 0;
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String file = Files.readSymbolicLink(fd).toString();
                    if (file.endsWith(".sqlite") && !file.endsWith("/alarm-index.sqlite")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    static void awaitHibernation(int maxSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (openDatabases() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(openDatabases() + " databases still open after " + maxSeconds + " s");
            }
            Thread.sleep(500);
        }
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        url = a.getOrDefault("url", "ws://127.0.0.1:18090");
        pid = Long.parseLong(a.get("pid"));
        int rooms = Integer.parseInt(a.getOrDefault("rooms", "100"));
        int perRoom = Integer.parseInt(a.getOrDefault("per-room", "100"));
        int broadcasts = Integer.parseInt(a.getOrDefault("broadcasts", "200"));
        int intervalMs = Integer.parseInt(a.getOrDefault("interval-ms", "25"));
        int idleWait = Integer.parseInt(a.getOrDefault("idle-wait-s", "60"));
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "256"));

        // 1. warm-up and baseline
        List<Member> warm = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Member m = connect("warm", "w" + i, 0);
            m.joined.await(30, TimeUnit.SECONDS);
            warm.add(m);
        }
        warm.getFirst().ws.sendText("warming up", true).join();
        for (Member m : warm) {
            m.ws.sendClose(1000, "").join();
        }
        awaitHibernation(idleWait);
        Thread.sleep(2000);
        long heap0 = settle();
        long rss0 = rssKb();
        result("baseline_rss_kb", rss0);
        result("baseline_heap_used_kb", heap0);

        // 2. connect
        int total = rooms * perRoom;
        Member[][] members = new Member[rooms][perRoom];
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>(total);
        long t0 = System.nanoTime();
        for (int j = 0; j < perRoom; j++) {
            for (int i = 0; i < rooms; i++) {
                int room = i;
                int user = j;
                inFlight.acquire();
                Member m = new Member(room == 0 ? broadcasts : 0);
                members[room][user] = m;
                all.add(HTTP.newWebSocketBuilder().buildAsync(URI.create(url + "/objects/chat/r" + room + "/ws?user=u" + user), m)
                        .thenAccept(ws -> m.ws = ws)
                        .whenComplete((v, f) -> {
                            inFlight.release();
                            if (f != null) {
                                failed.incrementAndGet();
                                System.err.println("connect r" + room + "/u" + user + " failed: " + f);
                            }
                        }));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(f -> null).join();
        for (Member[] room : members) {
            for (Member m : room) {
                m.joined.await(120, TimeUnit.SECONDS);
            }
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        result("sockets", total - failed.get());
        result("connect_failures", failed.get());
        result("connect_seconds", String.format("%.1f", connectSeconds));
        result("messages_received_while_joining", received.get());

        // 3. hibernated memory
        awaitHibernation(idleWait);
        Thread.sleep(2000);
        long heap1 = settle();
        long rss1 = rssKb();
        result("hibernated_rss_kb", rss1);
        result("hibernated_heap_used_kb", heap1);
        result("open_databases_while_measured", openDatabases());
        result("rss_bytes_per_hibernated_connection", (rss1 - rss0) * 1024 / total);
        result("heap_bytes_per_hibernated_connection", (heap1 - heap0) * 1024 / total);
        if (a.containsKey("histogram")) {
            String[] lines = jcmd("GC.class_histogram").split("\n");
            for (int i = 0; i < Math.min(lines.length, Integer.parseInt(a.get("histogram")) + 3); i++) {
                System.out.println("HISTO " + lines[i]);
            }
        }

        // 4. fan-out in room r0
        Member sender = members[0][0];
        long[] sentAt = new long[broadcasts];
        for (int k = 0; k < broadcasts; k++) {
            sentAt[k] = System.nanoTime();
            sender.ws.sendText("bench " + k, true).join();
            Thread.sleep(intervalMs);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Member m : members[0]) {
            while (m.seen.get() < broadcasts && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        List<Long> lat = new ArrayList<>();
        List<Long> first = new ArrayList<>();
        int missing = 0;
        for (Member m : members[0]) {
            for (int k = 0; k < broadcasts; k++) {
                if (m.arrivals[k] == 0) {
                    missing++;
                } else if (k == 0) {
                    first.add(m.arrivals[k] - sentAt[k]);
                } else {
                    lat.add(m.arrivals[k] - sentAt[k]);
                }
            }
        }
        lat.sort(null);
        first.sort(null);
        result("fanout_members", perRoom);
        result("fanout_samples", lat.size());
        result("fanout_missing", missing);
        result("fanout_p50_ms", String.format("%.2f", lat.get(lat.size() / 2) / 1e6));
        result("fanout_p99_ms", String.format("%.2f", lat.get((int) (lat.size() * 0.99)) / 1e6));
        result("fanout_max_ms", String.format("%.2f", lat.getLast() / 1e6));
        result("wake_fanout_p50_ms", String.format("%.2f", first.get(first.size() / 2) / 1e6));
        result("wake_fanout_max_ms", String.format("%.2f", first.getLast() / 1e6));

        for (Member[] room : members) {
            for (Member m : room) {
                if (m.ws != null) {
                    m.ws.abort();
                }
            }
        }
        System.exit(0);
    }
}
