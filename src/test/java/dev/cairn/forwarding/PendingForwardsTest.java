package dev.cairn.forwarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cluster.ShardOwners;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A forward whose owner loses its shard is answered here once the owner has had its grace; one whose
 * owner keeps (or gets back) the shard, or answers within the grace, is left to its owner. Real
 * Vert.x event loops; ownership changes as the replication threads report them.
 */
class PendingForwardsTest {
    private static final Duration GRACE = Duration.ofMillis(50);

    /** Shard owners as a test sets them, reporting each change as the Raft host does. */
    private static final class Owners implements ShardOwners {
        private final Map<Integer, String> owner = new ConcurrentHashMap<>();
        private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

        @Override
        public Optional<String> ownerOf(int shard) {
            return Optional.ofNullable(owner.get(shard));
        }

        @Override
        public void onChange(Runnable changed) {
            watchers.add(changed);
        }

        void set(int shard, String node) {
            if (node == null) {
                owner.remove(shard);
            } else {
                owner.put(shard, node);
            }
            watchers.forEach(Runnable::run);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final Owners owners = new Owners();
    private final PendingForwards forwards = new PendingForwards(owners, GRACE);
    /** Which forwards were abandoned, by name, with whether it ran on the forward's own context. */
    private final BlockingQueue<String> abandoned = new LinkedBlockingQueue<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private PendingForwards.Forward sent(String name, int shard, String owner, Context context) {
        PendingForwards.Forward f = new PendingForwards.Forward(shard, owner, context,
                () -> abandoned.add(name + (Vertx.currentContext() == context ? "" : " (on another context)")));
        forwards.sent(f);
        return f;
    }

    @Test
    void aForwardWhoseOwnerLosesItsShardIsAbandonedOnItsOwnContextAfterTheGrace() throws Exception {
        owners.set(1, "n1");
        owners.set(2, "n1");
        Context context = vertx.getOrCreateContext();
        PendingForwards.Forward lost = sent("lost", 1, "n1", context);
        PendingForwards.Forward kept = sent("kept", 2, "n1", context);

        long changed = System.nanoTime();
        owners.set(1, "n2");

        assertEquals("lost", abandoned.poll(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - changed >= GRACE.toNanos(), "the owner had its grace first");
        assertFalse(forwards.waiting(lost));
        assertFalse(forwards.answered(lost), "an abandoned forward's late answer is dropped");
        assertTrue(forwards.waiting(kept), "the owner of shard 2 did not change");
    }

    @Test
    void aShardLeftWithoutAServingLeaderCountsAsLost() throws Exception {
        owners.set(1, "n1");
        sent("leaderless", 1, "n1", vertx.getOrCreateContext());

        owners.set(1, null);

        assertEquals("leaderless", abandoned.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void anOwnerThatAnswersWithinTheGraceKeepsItsAnswer() throws Exception {
        owners.set(1, "n1");
        Context context = vertx.getOrCreateContext();
        PendingForwards.Forward answeredInTime = sent("answered in time", 1, "n1", context);
        owners.set(1, "n2");
        boolean answered = forwards.answered(answeredInTime);
        // A forward sent later and lost the same way: once it is abandoned, the first one's grace is over too.
        sent("witness", 1, "n1", context);
        owners.set(1, "n3");

        assertTrue(answered);
        assertEquals("witness", abandoned.poll(10, TimeUnit.SECONDS));
        assertTrue(abandoned.isEmpty(), "abandoned: " + abandoned);
    }

    @Test
    void anOwnerThatGetsItsShardBackWithinTheGraceKeepsTheForward() throws Exception {
        owners.set(1, "n1");
        owners.set(2, "n1");
        Context context = vertx.getOrCreateContext();
        PendingForwards.Forward back = sent("back", 1, "n1", context);
        owners.set(1, "n2");
        owners.set(1, "n1");
        sent("witness", 2, "n1", context);
        owners.set(2, "n2");

        assertEquals("witness", abandoned.poll(10, TimeUnit.SECONDS));
        assertTrue(forwards.waiting(back), "n1 owns shard 1 again: its answer is awaited");
    }
}
