package dev.cairn.examples;

import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import dev.cairn.examples.api.BatcherApi;
import dev.cairn.examples.model.Batch;
import dev.cairn.examples.model.BatchItemRequest;
import dev.cairn.examples.model.BatchPending;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batcher (namespace {@code batcher}): buffers items and writes them as one batch when its alarm
 * fires. The first item of an empty buffer sets the alarm; later items join the batch it will write.
 * Items are durable from the moment they are acknowledged, and the alarm moves them from the buffer
 * to a batch in one transaction, so an item is in exactly one place at any time.
 */
@RegisterForReflection(fields = false, methods = false)
public final class Batcher implements BatcherApi, AlarmHandler {
    private final Storage storage;
    private final SqlStorage sql;
    private final InstantSource clock;

    public Batcher(ObjectContext ctx) {
        this.storage = ctx.storage();
        this.sql = storage.sql();
        this.clock = ctx.clock();
        sql.exec("""
                CREATE TABLE IF NOT EXISTS buffer (seq INTEGER PRIMARY KEY, item TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS batches (batch INTEGER PRIMARY KEY, flushed_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS batch_items (batch INTEGER NOT NULL, pos INTEGER NOT NULL, item TEXT NOT NULL,
                    PRIMARY KEY (batch, pos))""");
    }

    /**
     * Buffers the item. The first item of a batch sets the alarm {@code flushAfterMs} ahead; later
     * ones join the pending batch and {@code flushAfterMs} is ignored for them.
     */
    @Override
    public BatchPending addBatchItem(Long flushAfterMs, BatchItemRequest body) {
        sql.exec("INSERT INTO buffer (item) VALUES (?)", body.getItem());
        // No alarm means an empty buffer (the alarm empties it), so this item starts a batch.
        Instant flushAt = storage.getAlarm().orElseGet(() -> {
            Instant at = Instant.ofEpochMilli(clock.millis() + flushAfterMs);
            storage.setAlarm(at);
            return at;
        });
        return new BatchPending().buffered(buffered()).flushAt(flushAt.atOffset(ZoneOffset.UTC));
    }

    /** Writes every buffered item, in arrival order, as the next batch. */
    @Override
    public void alarm(AlarmInfo info) {
        if (buffered() == 0) {
            return; // never an empty batch
        }
        long batch = sql.exec("INSERT INTO batches (flushed_at) VALUES (?) RETURNING batch", clock.millis()).one().getLong("batch");
        sql.exec("INSERT INTO batch_items (batch, pos, item) SELECT ?, row_number() OVER (ORDER BY seq), item FROM buffer", batch);
        sql.exec("DELETE FROM buffer");
    }

    /** The batches written so far, oldest first. */
    @Override
    public List<Batch> listBatches() {
        Map<Long, Batch> batches = new LinkedHashMap<>();
        for (var row : sql.exec("""
                SELECT b.batch, b.flushed_at, i.item FROM batches b JOIN batch_items i ON i.batch = b.batch
                ORDER BY b.batch, i.pos""")) {
            batches.computeIfAbsent(row.getLong("batch"), n -> new Batch().batch(n)
                    .flushedAt(Instant.ofEpochMilli(row.getLong("flushed_at")).atOffset(ZoneOffset.UTC)).items(new ArrayList<>()))
                    .getItems().add(row.getString("item"));
        }
        return List.copyOf(batches.values());
    }

    private int buffered() {
        return sql.exec("SELECT count(*) AS n FROM buffer").one().getLong("n").intValue();
    }
}
