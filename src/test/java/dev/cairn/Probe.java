package dev.cairn;

import dev.cairn.api.FetchHandler;
import dev.cairn.api.FetchRequest;
import dev.cairn.api.FetchResponse;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test object (namespace {@code probe}) that exposes what tests need to observe: how often it was
 * constructed, an in-memory field, a small table, a call that blocks until released, and an echoing
 * fetch handler (whose paths {@code /throw}, {@code /abort} and {@code /hold} write, then throw, abort or
 * wait for the test's {@link #HOLDS}).
 */
public final class Probe implements FetchHandler {
    /** Constructor runs per object id. */
    public static final Map<String, AtomicInteger> CONSTRUCTIONS = new ConcurrentHashMap<>();
    /** Per object id: what a fetch of {@code /hold} signals once it runs, and waits for. */
    public static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

    /** A fetch of {@code /hold} counts {@code started} down, then waits for {@code release}. */
    public record Hold(CountDownLatch started, CountDownLatch release) {}

    private final ObjectContext ctx;
    private final SqlStorage sql;
    private int callsSinceConstruction;

    public Probe(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        CONSTRUCTIONS.computeIfAbsent(ctx.id().toString(), k -> new AtomicInteger()).incrementAndGet();
        sql.exec("CREATE TABLE IF NOT EXISTS entries (k TEXT PRIMARY KEY, v TEXT)");
    }

    public ObjectContext ctx() {
        return ctx;
    }

    /** Counts calls in memory only: reset when the instance is. */
    public int touch() {
        return ++callsSinceConstruction;
    }

    public void put(String k, String v) {
        sql.exec("INSERT INTO entries VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
    }

    public String get(String k) {
        var rows = sql.exec("SELECT v FROM entries WHERE k = ?", k).toList();
        return rows.isEmpty() ? null : rows.getFirst().getString("v");
    }

    public void putThenThrow(String k, String v) {
        put(k, v);
        throw new IllegalStateException("refusing after writing " + k);
    }

    /** Signals {@code started}, then blocks until {@code release} opens. */
    public String hold(CountDownLatch started, CountDownLatch release) throws InterruptedException {
        started.countDown();
        release.await();
        return "released";
    }

    @Override
    public FetchResponse fetch(FetchRequest request) {
        if (request.path().equals("/throw")) {
            putThenThrow("fetched", "yes");
        }
        if (request.path().equals("/hold")) {
            put("fetched", "yes");
            Hold hold = HOLDS.get(ctx.id().toString());
            try {
                hold(hold.started(), hold.release());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (request.path().equals("/abort")) {
            put("fetched", "yes");
            ctx.abort("aborted after writing fetched");
        }
        var headers = new TreeMap<String, List<String>>();
        request.headers().forEach((k, v) -> {
            if (k.startsWith("x-probe")) {
                headers.put(k, v);
            }
        });
        String echo = request.method() + " " + request.path() + "?" + request.query() + " " + headers + " "
                + new String(request.body(), StandardCharsets.UTF_8);
        return new FetchResponse(207, Map.of("content-type", List.of("text/plain"), "x-echo", List.of("a", "b")),
                echo.getBytes(StandardCharsets.UTF_8));
    }
}
