package dev.cairn.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.examples.api.UserSessionApi;
import dev.cairn.examples.model.DeleteResult;
import dev.cairn.examples.model.SessionValue;
import dev.cairn.examples.model.SessionValueRequest;
import jakarta.ws.rs.NotFoundException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@code UserSession} endpoints of the contract. */
final class UserSessionResource implements UserSessionApi {
    static final int MAX_KEY_LENGTH = 256;
    static final int MAX_VALUE_LENGTH = 65_536;
    static final long MAX_TTL_MS = 2_592_000_000L;

    private final Namespace<UserSession> sessions;
    private final ObjectMapper json;

    UserSessionResource(Namespaces namespaces, ObjectMapper json) {
        this.sessions = namespaces.of(UserSession.class);
        this.json = json;
    }

    @Override
    public CompletionStage<Void> putSessionValue(String name, String key, SessionValueRequest request) {
        checkKey(key);
        if (request == null || request.getValue() == null || request.getTtlMs() == null) {
            throw new IllegalArgumentException("body must be {\"value\": any JSON value but null, \"ttlMs\": milliseconds}");
        }
        long ttlMs = request.getTtlMs();
        if (ttlMs < 1 || ttlMs > MAX_TTL_MS) {
            throw new IllegalArgumentException("ttlMs must be between 1 and " + MAX_TTL_MS + " (30 days), got " + ttlMs);
        }
        String value = write(request.getValue());
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value must be at most " + MAX_VALUE_LENGTH + " characters written as JSON, got " + value.length());
        }
        return sessions.getByName(name).send(s -> s.put(key, value, ttlMs)).thenApply(expiresAt -> null);
    }

    @Override
    public CompletionStage<SessionValue> getSessionValue(String name, String key) {
        checkKey(key);
        return sessions.getByName(name).send(s -> s.get(key)).thenApply(e -> toModel(e.orElseThrow(
                () -> new NotFoundException("no live value '" + key + "' in session '" + name + "' (never set, deleted or expired)"))));
    }

    @Override
    public CompletionStage<List<SessionValue>> listSessionValues(String name) {
        return sessions.getByName(name).send(UserSession::list).thenApply(list -> list.stream().map(this::toModel).toList());
    }

    @Override
    public CompletionStage<DeleteResult> deleteSessionValue(String name, String key) {
        checkKey(key);
        return sessions.getByName(name).send(s -> s.delete(key)).thenApply(d -> new DeleteResult().deleted(d));
    }

    private static void checkKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length());
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SessionValue toModel(UserSession.Entry e) {
        JsonNode value;
        try {
            value = json.readTree(e.json());
        } catch (JsonProcessingException x) {
            throw new UncheckedIOException(x);
        }
        return new SessionValue().key(e.key()).value(value).expiresAt(e.expiresAt().atOffset(ZoneOffset.UTC));
    }
}
