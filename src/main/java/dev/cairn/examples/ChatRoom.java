package dev.cairn.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectSocket;
import dev.cairn.api.SqlRow;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.UpgradeDecision;
import dev.cairn.api.UpgradeRequest;
import dev.cairn.api.WebSocketHandler;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A chat room (namespace {@code chat}, one object per room) over hibernatable WebSockets:
 * {@code ws://host/objects/chat/{room}/ws?user=ada}. Open {@code /chat.html} in a browser to use it.
 *
 * <p>Protocol: the client sends text, either plain or {@code {"text": "…"}}; Cairn answers {@code ping}
 * with {@code pong} itself (auto-response: no wake-up). The server sends JSON objects:
 * {@code {"type":"history","messages":[{"user","text","at"}…]}} once on join (the last 100 messages),
 * {@code {"type":"join"|"leave","user","members":[…]}} when someone comes or goes,
 * {@code {"type":"message","user","text","at"}} for every message, and
 * {@code {"type":"error","message"}} to a sender whose message was refused.
 *
 * <p>State: the messages live in SQL (the last 100 are kept); who is connected is the socket list
 * itself, each socket carrying its {@link Member} attachment, so nothing is lost when the room
 * hibernates between messages. No fields hold state.
 *
 * <p>Names are unique per room among open sockets; two upgrades with the same name racing each other
 * (the second decided before the first socket opened) can both get in. An example, not a directory.
 */
@RegisterForReflection(fields = false, methods = false)
public final class ChatRoom implements WebSocketHandler {
    /** Messages kept and sent on join. */
    static final int HISTORY = 100;
    /** Longest message, in characters. */
    static final int MAX_TEXT = 2000;
    static final Pattern USER = Pattern.compile("[\\p{L}\\p{N}_.-]{1,32}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per-connection state, kept in the socket's attachment (survives hibernation). */
    @RegisterForReflection
    public record Member(String user, long joinedAt, long sent) {}

    private final ObjectContext ctx;
    private final SqlStorage sql;

    public ChatRoom(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        sql.exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL,"
                + " text TEXT NOT NULL, at INTEGER NOT NULL)");
        ctx.sockets().setAutoResponse("ping", "pong"); // heartbeats never wake the room
    }

    @Override
    public UpgradeDecision onUpgrade(UpgradeRequest request) {
        String user = request.queryParam("user");
        if (user == null || !USER.matcher(user).matches()) {
            return UpgradeDecision.reject(400, "user must be 1 to 32 letters, digits, '_', '.' or '-'"
                    + (user == null ? "; add ?user=<name>" : "; got '" + (user.length() > 40 ? user.substring(0, 40) + "…" : user) + "'"));
        }
        if (!ctx.sockets().withTag(tag(user)).isEmpty()) {
            return UpgradeDecision.reject(409, "user '" + user + "' is already in this room; pick another name");
        }
        return UpgradeDecision.accept(List.of(tag(user)), new Member(user, ctx.clock().millis(), 0));
    }

    @Override
    public void onOpen(ObjectSocket socket) {
        List<Map<String, Object>> history = new ArrayList<>();
        for (SqlRow r : sql.exec("SELECT user, text, at FROM messages ORDER BY id DESC LIMIT ?", HISTORY).toList().reversed()) {
            history.add(message(r.getString("user"), r.getString("text"), r.getLong("at")));
        }
        socket.send(json(obj("type", "history", "messages", history)));
        broadcast(presence("join", member(socket).user()));
    }

    @Override
    public void onMessage(ObjectSocket socket, String message) {
        String text = message;
        if (message.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(message);
                text = node.path("text").isTextual() ? node.get("text").asText() : null;
            } catch (JsonProcessingException e) {
                text = null;
            }
            if (text == null) {
                socket.send(error("send plain text or {\"text\": \"...\"}"));
                return;
            }
        }
        text = text.strip();
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            socket.send(error("a message has 1 to " + MAX_TEXT + " characters, got " + text.length()));
            return;
        }
        Member m = member(socket);
        long at = ctx.clock().millis();
        sql.exec("INSERT INTO messages (user, text, at) VALUES (?, ?, ?)", m.user(), text, at);
        sql.exec("DELETE FROM messages WHERE id <= (SELECT max(id) FROM messages) - ?", HISTORY);
        socket.serializeAttachment(new Member(m.user(), m.joinedAt(), m.sent() + 1));
        broadcast(json(obj("type", "message", "user", m.user(), "text", text, "at", at)));
    }

    @Override
    public void onMessage(ObjectSocket socket, byte[] message) {
        socket.send(error("binary messages are not supported; send text"));
    }

    @Override
    public void onClose(ObjectSocket socket, int code, String reason, boolean wasClean) {
        broadcast(presence("leave", member(socket).user()));
    }

    /** How many messages {@code user} sent since joining, from its attachment (for tests and curious operators). */
    public long sentBy(String user) {
        for (ObjectSocket s : ctx.sockets().withTag(tag(user))) {
            return member(s).sent();
        }
        return -1;
    }

    private static String tag(String user) {
        return "user:" + user;
    }

    private static Member member(ObjectSocket socket) {
        return socket.deserializeAttachment(Member.class);
    }

    private void broadcast(String json) {
        for (ObjectSocket s : ctx.sockets().all()) {
            s.send(json);
        }
    }

    private String presence(String type, String user) {
        List<String> members = new ArrayList<>();
        for (ObjectSocket s : ctx.sockets().all()) {
            members.add(member(s).user());
        }
        return json(obj("type", type, "user", user, "members", members));
    }

    private static Map<String, Object> message(String user, String text, long at) {
        return obj("user", user, "text", text, "at", at);
    }

    /** A JSON object with its keys in the order given. */
    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static String error(String message) {
        return json(obj("type", "error", "message", message));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
