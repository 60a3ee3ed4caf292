package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.examples.api.BatcherApi;
import dev.cairn.examples.model.Batch;
import dev.cairn.examples.model.BatchItemRequest;
import dev.cairn.examples.model.BatchPending;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@code Batcher} endpoints of the contract. */
final class BatcherResource implements BatcherApi {
    static final int MAX_ITEM_LENGTH = 1024;
    static final long MAX_FLUSH_AFTER_MS = 86_400_000;

    private final Namespace<Batcher> batchers;

    BatcherResource(Namespaces namespaces) {
        this.batchers = namespaces.of(Batcher.class);
    }

    @Override
    public CompletionStage<BatchPending> addBatchItem(String name, BatchItemRequest request, Long flushAfterMs) {
        if (request == null || request.getItem() == null) {
            throw new IllegalArgumentException("body must be {\"item\": \"...\"} (a string of 1 to " + MAX_ITEM_LENGTH + " characters)");
        }
        String item = request.getItem();
        if (item.isEmpty() || item.length() > MAX_ITEM_LENGTH) {
            throw new IllegalArgumentException("item must be 1 to " + MAX_ITEM_LENGTH + " characters, got " + item.length());
        }
        long after = flushAfterMs == null ? 10_000 : flushAfterMs;
        if (after < 1 || after > MAX_FLUSH_AFTER_MS) {
            throw new IllegalArgumentException("flushAfterMs must be between 1 and " + MAX_FLUSH_AFTER_MS + " (one day), got " + after);
        }
        return batchers.getByName(name).send(b -> b.add(item, after))
                .thenApply(p -> new BatchPending().buffered(p.buffered()).flushAt(p.flushAt().atOffset(ZoneOffset.UTC)));
    }

    @Override
    public CompletionStage<List<Batch>> listBatches(String name) {
        return batchers.getByName(name).send(Batcher::batches).thenApply(list -> list.stream()
                .map(b -> new Batch().batch(b.batch()).flushedAt(b.flushedAt().atOffset(ZoneOffset.UTC)).items(b.items()))
                .toList());
    }
}
