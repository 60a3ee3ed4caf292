package dev.cairn.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.ListOptions;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.examples.api.KvStoreApi;
import dev.cairn.examples.model.DeleteResult;
import dev.cairn.examples.model.KvEntry;
import jakarta.ws.rs.NotFoundException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@code KvStore} endpoints of the contract. */
final class KvStoreResource implements KvStoreApi {
    private final Namespace<KvStore> stores;
    private final ObjectMapper json;

    KvStoreResource(Namespaces namespaces, ObjectMapper json) {
        this.stores = namespaces.of(KvStore.class);
        this.json = json;
    }

    @Override
    public CompletionStage<Void> putKey(String name, String key, Object body) {
        if (body == null) {
            throw new IllegalArgumentException("the body must be a JSON value other than null; to remove a key, DELETE it");
        }
        JsonNode value = json.valueToTree(body);
        return stores.getByName(name).send(s -> {
            s.put(key, value);
            return null;
        });
    }

    @Override
    public CompletionStage<Object> getKey(String name, String key) {
        return stores.getByName(name).send(s -> s.get(key)).thenApply(v -> v.orElseThrow(
                () -> new NotFoundException("no key '" + key + "' in store '" + name + "'")));
    }

    @Override
    public CompletionStage<DeleteResult> deleteKey(String name, String key) {
        return stores.getByName(name).send(s -> s.delete(key)).thenApply(d -> new DeleteResult().deleted(d));
    }

    @Override
    public CompletionStage<List<KvEntry>> listKeys(String name, String prefix, String start, String startAfter, String end,
            Boolean reverse, Integer limit) {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 (leave it out for every entry), got " + limit);
        }
        var options = new ListOptions(prefix, start, startAfter, end, Boolean.TRUE.equals(reverse), limit == null ? 0 : limit);
        return stores.getByName(name).send(s -> s.list(options)).thenApply(entries -> entries.entrySet().stream()
                .map(e -> new KvEntry().key(e.getKey()).value(e.getValue())).toList());
    }

    @Override
    public CompletionStage<Void> deleteAllKeys(String name) {
        return stores.getByName(name).send(s -> {
            s.deleteAll();
            return null;
        });
    }
}
