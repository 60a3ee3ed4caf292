package dev.cairn.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.Storage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;
import java.util.Optional;

/**
 * A key-value store (namespace {@code kv}): one object's key-value API, as it is. Values are kept
 * as JSON trees so they read back exactly as they were put.
 */
@RegisterForReflection(fields = false, methods = false)
public final class KvStore {
    private final Storage storage;

    public KvStore(ObjectContext ctx) {
        this.storage = ctx.storage();
    }

    public void put(String key, JsonNode value) {
        storage.put(key, value);
    }

    public Optional<JsonNode> get(String key) {
        return Optional.ofNullable(storage.get(key, JsonNode.class));
    }

    public boolean delete(String key) {
        return storage.delete(key);
    }

    public Map<String, JsonNode> list(ListOptions options) {
        return storage.list(options, JsonNode.class);
    }

    public void deleteAll() {
        storage.deleteAll();
    }
}
