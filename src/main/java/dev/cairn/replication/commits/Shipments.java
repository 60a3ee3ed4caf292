package dev.cairn.replication.commits;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The entries this process shipped and still waits on, so that applying a committed entry tells
 * whether its pages are already in a local file (this leader's own commit) or must be written.
 * Exactly one of two things ends a shipment: its entry is applied here ({@link #applied}: it counts,
 * and the local file has it), or its submission fails first ({@link #withdrawn}: the local file is
 * rolled back, and should the entry still commit under a new leader, it is applied like any other
 * leader's). Thread-safe: object threads ship, the groups' apply threads and Ratis's reply threads end.
 */
public final class Shipments {
    /** This process: entries shipped by an earlier run of the node are applied like another node's. */
    private final long incarnation;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong withdrawn = new AtomicLong();

    public Shipments(long incarnation) {
        this.incarnation = incarnation;
    }

    public long incarnation() {
        return incarnation;
    }

    /** A new shipment of {@code entryBytes}: its sequence number, and the stage that completes when its entry is applied here. */
    public Shipment start(int entryBytes) {
        bytes.addAndGet(entryBytes);
        long n = sequence.incrementAndGet();
        CompletableFuture<Void> applied = new CompletableFuture<>();
        pending.put(n, applied);
        return new Shipment(incarnation, n, applied);
    }

    /** The entry shipped as ({@code origin}, {@code sequence}) was applied: true when it was this process's, still pending. */
    public boolean applied(long origin, long sequence) {
        if (origin != incarnation) {
            return false;
        }
        CompletableFuture<Void> applied = pending.remove(sequence);
        if (applied == null) {
            return false;
        }
        applied.complete(null);
        return true;
    }

    /** The submission failed: true when it was still pending (its entry not applied here), so its file must be rolled back. */
    boolean withdrawn(Shipment s, Throwable failure) {
        if (!pending.remove(s.sequence(), s.applied())) {
            return false;
        }
        withdrawn.incrementAndGet();
        s.applied().completeExceptionally(failure);
        return true;
    }

    /** Entries shipped so far (applied, withdrawn or pending). */
    public long shipped() {
        return sequence.get();
    }

    public long shippedBytes() {
        return bytes.get();
    }

    public long withdrawn() {
        return withdrawn.get();
    }

    public record Shipment(long origin, long sequence, CompletableFuture<Void> applied) {}
}
