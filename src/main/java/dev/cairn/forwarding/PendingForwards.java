package dev.cairn.forwarding;

import dev.cairn.cluster.ShardOwners;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests this node has forwarded and whose owner has not answered yet, so that one whose owner
 * loses its shard is answered here instead of waiting for an owner that may never answer: a leader cut
 * off by a partition keeps what it was sent until {@code cairn.cluster.forward-timeout}, while its
 * group elects another and the client's retry could already be served there. Thread-safe: forwards
 * are added and removed on their request's event loop, ownership changes arrive on replication
 * threads, and each forward is abandoned on its own event loop.
 */
final class PendingForwards {
    /**
     * A forward out with {@code owner} for an object of {@code shard}; {@code abandon} answers its
     * client and runs on {@code context} (its request's event loop).
     */
    static final class Forward {
        private final int shard;
        private final String owner;
        private final Context context;
        private final Runnable abandon;

        Forward(int shard, String owner, Context context, Runnable abandon) {
            this.shard = shard;
            this.owner = owner;
            this.context = context;
            this.abandon = abandon;
        }
    }

    private final ShardOwners owners;
    private final long graceMillis;
    private final Set<Forward> pending = ConcurrentHashMap.newKeySet();

    /**
     * {@code grace}: how long a forward whose owner lost its shard may still be answered by that owner.
     * An owner that is up answers its pending calls soon after losing the leadership (its objects stop:
     * 503 not-leader, or its commit's outcome), and that answer says what happened where an abandoned
     * forward can only say "unknown".
     */
    PendingForwards(ShardOwners owners, Duration grace) {
        this.owners = owners;
        this.graceMillis = grace.toMillis();
        owners.onChange(this::ownersChanged);
    }

    /** Tracks {@code forward} until {@link #answered}. */
    void sent(Forward forward) {
        pending.add(forward);
    }

    /**
     * The owner answered {@code forward}, or it failed: stops tracking it. False when it was abandoned
     * already (its client has its answer: the owner's is dropped).
     */
    boolean answered(Forward forward) {
        return pending.remove(forward);
    }

    /** Whether {@code forward} still waits for its owner (it was neither answered nor abandoned). */
    boolean waiting(Forward forward) {
        return pending.contains(forward);
    }

    private void ownersChanged() {
        for (Forward f : pending) {
            if (lost(f)) {
                f.context.runOnContext(v -> f.context.owner().setTimer(graceMillis, timer -> {
                    // Still unanswered, and the owner has not got the shard back meanwhile.
                    if (lost(f) && pending.remove(f)) {
                        f.abandon.run();
                    }
                }));
            }
        }
    }

    private boolean lost(Forward f) {
        return !owners.ownerOf(f.shard).equals(Optional.of(f.owner));
    }
}
