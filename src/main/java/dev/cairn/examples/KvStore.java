package dev.cairn.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.api.FetchHandler;
import dev.cairn.api.FetchRequest;
import dev.cairn.api.FetchResponse;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.Storage;
import dev.cairn.examples.api.KvStoreApi;
import dev.cairn.examples.model.DeleteResult;
import dev.cairn.examples.model.KvEntry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A key-value store (namespace {@code kv}): one object's key-value API, as it is. Values are stored
 * as the JSON they arrived as and read back as JSON trees, so they read back exactly as they were put.
 * Its raw HTTP side ({@link FetchHandler}): {@code GET …/fetch/<key>} answers the value's JSON as is.
 */
@RegisterForReflection(fields = false, methods = false)
public final class KvStore implements KvStoreApi, FetchHandler {
    private final ObjectContext ctx;
    private final Storage storage;

    public KvStore(ObjectContext ctx) {
        this.ctx = ctx;
        this.storage = ctx.storage();
    }

    /** {@code GET <key>}: the stored JSON, or 404; any other method 405. */
    @Override
    public FetchResponse fetch(FetchRequest request) {
        if (!request.method().equals("GET")) {
            return new FetchResponse(405, Map.of("allow", List.of("GET")), new byte[0]);
        }
        String key = request.path().startsWith("/") ? request.path().substring(1) : request.path();
        JsonNode value = storage.get(key, JsonNode.class);
        return value == null ? FetchResponse.text(404, "no key '" + key + "'")
                : new FetchResponse(200, Map.of("content-type", List.of("application/json")), value.toString().getBytes(StandardCharsets.UTF_8));
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
