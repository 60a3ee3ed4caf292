package dev.cairn;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectSocket;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.UpgradeDecision;
import dev.cairn.api.UpgradeRequest;
import dev.cairn.api.WebSocketHandler;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A test object (namespace {@code socket-probe}) driven by its sockets' text messages, recording
 * what tests need to observe: constructions and the last instance per object id, and the close and
 * error events it received. Commands are {@code verb args…}; see {@link #onMessage(ObjectSocket, String)}.
 */
public final class SocketProbe implements WebSocketHandler {
    /** Constructor runs per object id. */
    public static final Map<String, AtomicInteger> CONSTRUCTIONS = new ConcurrentHashMap<>();
    /** The latest instance per object id, weakly: cleared once the instance is dropped and collected. */
    public static final Map<String, WeakReference<SocketProbe>> INSTANCES = new ConcurrentHashMap<>();
    /** onClose and onError calls, as text, per object id. */
    public static final Map<String, Queue<String>> EVENTS = new ConcurrentHashMap<>();

    /** Per-socket state kept in the attachment. */
    public record Visitor(String name, int messages) {}

    private final ObjectContext ctx;
    private final SqlStorage sql;

    public SocketProbe(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        CONSTRUCTIONS.computeIfAbsent(key(), k -> new AtomicInteger()).incrementAndGet();
        INSTANCES.put(key(), new WeakReference<>(this));
        sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)");
    }

    private String key() {
        return ctx.id().toString();
    }

    public static Queue<String> events(String objectId) {
        return EVENTS.computeIfAbsent(objectId, k -> new ConcurrentLinkedQueue<>());
    }

    @Override
    public UpgradeDecision onUpgrade(UpgradeRequest request) {
        String name = request.queryParam("name");
        if (request.header("X-Probe-Token") != null && !request.header("x-probe-token").equals("open sesame")) {
            return UpgradeDecision.reject(401, "wrong token for " + request.path());
        }
        String reject = request.queryParam("reject");
        if (reject != null) {
            return UpgradeDecision.reject(Integer.parseInt(reject), "no entry for " + name);
        }
        String tags = request.queryParam("tags");
        List<String> tagList = tags == null || tags.isEmpty() ? List.of() : Arrays.asList(tags.split(","));
        if ("big".equals(request.queryParam("attach"))) {
            return UpgradeDecision.accept(tagList, "x".repeat(20_000));
        }
        return UpgradeDecision.accept(tagList, name == null ? null : new Visitor(name, 0));
    }

    @Override
    public void onOpen(ObjectSocket socket) {
        Visitor v = socket.deserializeAttachment(Visitor.class);
        socket.send("welcome " + (v == null ? "anonymous" : v.name()) + " " + socket.tags());
    }

    @Override
    public void onMessage(ObjectSocket socket, String message) throws Exception {
        String[] w = message.split(" ", 3);
        String arg = w.length > 1 ? w[1] : "";
        String rest = w.length > 2 ? w[2] : "";
        switch (w[0]) {
            case "echo" -> socket.send(message.substring(5));
            case "length" -> socket.send("length " + message.length());
            case "broadcast" -> ctx.sockets().all().forEach(s -> s.send(message.substring(10)));
            case "tag" -> ctx.sockets().withTag(arg).forEach(s -> s.send(rest));
            case "count" -> socket.send("count " + ctx.sockets().count());
            case "tags" -> socket.send("tags " + socket.tags());
            case "visit" -> {
                Visitor v = socket.deserializeAttachment(Visitor.class);
                Visitor next = new Visitor(v == null ? "?" : v.name(), v == null ? 1 : v.messages() + 1);
                socket.serializeAttachment(next);
                socket.send("visitor " + socket.deserializeAttachment(Visitor.class));
            }
            case "whoami" -> socket.send("visitor " + socket.deserializeAttachment(Visitor.class));
            case "attach-bytes" -> {
                socket.serializeAttachment(new byte[Integer.parseInt(arg)]);
                socket.send("attached");
            }
            case "append" -> {
                sql.exec("INSERT INTO log (entry) VALUES (?)", arg);
                socket.send("ack " + arg);
            }
            case "log" -> socket.send("log " + sql.exec("SELECT entry FROM log ORDER BY seq").toList().stream()
                    .map(r -> r.getString("entry")).collect(Collectors.joining(",")));
            case "close" -> socket.close(Integer.parseInt(arg), rest);
            case "throw" -> {
                sql.exec("INSERT INTO log (entry) VALUES (?)", "thrown");
                socket.send("sent before throwing");
                throw new IllegalStateException("refusing " + arg);
            }
            case "rename-then-throw" -> {
                socket.serializeAttachment(new Visitor(arg, 99));
                throw new IllegalStateException("renamed to " + arg + " and failed");
            }
            case "sleep" -> {
                sql.exec("INSERT INTO log (entry) VALUES (?)", "slept");
                Thread.sleep(Long.parseLong(arg));
                socket.send("woke");
            }
            case "autoresponse" -> {
                ctx.sockets().setAutoResponse(arg, rest);
                socket.send("autoresponse set");
            }
            case "autoresponse-at" -> socket.send("autoresponse-at "
                    + ctx.sockets().autoResponseTimestamp(socket).map(i -> Long.toString(i.toEpochMilli())).orElse("never"));
            case "constructions" -> socket.send("constructions " + CONSTRUCTIONS.get(key()).get());
            case "event-timeout" -> { // no argument: read it; "default": clear the object's own
                if (!arg.isEmpty()) {
                    ctx.sockets().setEventTimeout(arg.equals("default") ? null : Duration.ofMillis(Long.parseLong(arg)));
                }
                socket.send("event-timeout " + ctx.sockets().eventTimeout().toMillis());
            }
            case "flood" -> {
                int n = Integer.parseInt(arg);
                int size = Integer.parseInt(rest);
                String chunk = "f".repeat(size);
                for (int i = 0; i < n; i++) {
                    socket.send(chunk);
                }
            }
            case "flood-all" -> {
                String chunk = "f".repeat(Integer.parseInt(arg));
                ctx.sockets().all().forEach(s -> s.send(chunk));
            }
            case "send-utf8" -> socket.send("\u00e9".repeat(Integer.parseInt(arg))); // 2 UTF-8 bytes per character
            case "send-bytes" -> socket.send(new byte[Integer.parseInt(arg)]);
            default -> socket.send("unknown command: " + message);
        }
    }

    @Override
    public void onMessage(ObjectSocket socket, byte[] message) {
        byte[] reversed = new byte[message.length];
        for (int i = 0; i < message.length; i++) {
            reversed[i] = message[message.length - 1 - i];
        }
        socket.send(reversed);
    }

    @Override
    public void onClose(ObjectSocket socket, int code, String reason, boolean wasClean) {
        Visitor v = socket.deserializeAttachment(Visitor.class);
        String who = v == null ? socket.id() : v.name();
        events(key()).add("close " + who + " " + code + " " + reason + " " + wasClean);
        ctx.sockets().all().forEach(s -> s.send("left " + who + " " + code));
    }

    @Override
    public void onError(ObjectSocket socket, Throwable error) {
        events(key()).add("error " + error.getMessage());
    }
}
