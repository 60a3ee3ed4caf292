package dev.cairn.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.Storage;
import dev.cairn.examples.api.KvStoreApi;
import dev.cairn.examples.model.DeleteResult;
import dev.cairn.examples.model.KvEntry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A key-value store (namespace {@code kv}): one object's key-value API, as it is. Values are stored
 * as the JSON they arrived as and read back as JSON trees, so they read back exactly as they were put.
 */
@RegisterForReflection(fields = false, methods = false)
public final class KvStore implements KvStoreApi {
    private final ObjectContext ctx;
    private final Storage storage;

    public KvStore(ObjectContext ctx) {
        this.ctx = ctx;
        this.storage = ctx.storage();
    }

    @Override
    public void putKey(String key, Object body) {
        storage.put(key, body);
    }

    @Override
    public Object getKey(String key) {
        JsonNode value = storage.get(key, JsonNode.class);
        if (value == null) {
            throw Refusal.notFound("no key '" + key + "' in store '" + ctx.id().name().orElse(ctx.id().toString()) + "'");
        }
        return value;
    }

    @Override
    public DeleteResult deleteKey(String key) {
        return new DeleteResult().deleted(storage.delete(key));
    }

    /** {@code limit} absent lists every entry. */
    @Override
    public List<KvEntry> listKeys(String prefix, String start, String startAfter, String end, Boolean reverse, Integer limit) {
        if (start != null && startAfter != null) {
            throw Refusal.badRequest("give start (inclusive) or startAfter (exclusive), not both");
        }
        var options = new ListOptions(prefix, start, startAfter, end, Boolean.TRUE.equals(reverse), limit == null ? 0 : limit);
        return storage.list(options, JsonNode.class).entrySet().stream()
                .map(e -> new KvEntry().key(e.getKey()).value(e.getValue())).toList();
    }

    @Override
    public void deleteAllKeys() {
        storage.deleteAll();
    }
}
