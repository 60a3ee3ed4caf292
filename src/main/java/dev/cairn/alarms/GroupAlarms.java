package dev.cairn.alarms;

import dev.cairn.api.ObjectId;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.DiskCalls;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The alarms of a cluster's Raft groups in this node's index: it follows the alarm changes each group's
 * log records, so it holds the alarms of every group the node replicates, and arms a group's alarms
 * when the node takes the group over. A group whose alarms the index holds completely is <em>known</em>
 * (see {@link AlarmIndex}). Thread-safe: the replication's threads report, the takeovers run on
 * virtual threads of their own.
 */
public final class GroupAlarms {
    private static final Logger LOG = Logger.getLogger(GroupAlarms.class);
    /**
     * Objects whose alarm a takeover checks at once: as many as the node has disk threads. Each check
     * activates its object, opening its database on those threads, where the calls that activate the
     * same group's objects queue behind them: with 256 checks at once, a group's first calls after it
     * moved waited for the whole group's opens. With 4 the checks took 7 times longer (2026-12-05), and
     * the group's alarms wait for them.
     */
    static final int TAKEOVER_CHECKS = DiskCalls.THREADS;

    private final AlarmTargets targets;
    private final AlarmIndex index;
    private final AlarmChecks checks;
    private final InstantSource clock;
    /** The scheduler's scan, which arms what the index holds as due soon. */
    private final Runnable scan;
    private final Semaphore takeoverChecks = new Semaphore(TAKEOVER_CHECKS);

    GroupAlarms(AlarmTargets targets, AlarmIndex index, AlarmChecks checks, InstantSource clock, Runnable scan) {
        this.targets = targets;
        this.index = index;
        this.checks = checks;
        this.clock = clock;
        this.scan = scan;
    }

    /**
     * This node has just taken the lead of {@code group}, whose objects {@code objects} selects: its
     * alarms are armed here. When the index knows the group's alarms (learnt from the replicated log,
     * see {@link #replicated}), only the objects whose alarm changed while a commit of theirs was under
     * way here are checked; otherwise every object {@code stored} lists is, which activates each of
     * them, and then the group is known. Checks run {@link #TAKEOVER_CHECKS} at a time.
     */
    public CompletableFuture<Void> takeOver(int group, Predicate<ObjectId> objects, Supplier<List<ObjectId>> stored) {
        return CompletableFuture.runAsync(() -> {
            long started = clock.millis();
            boolean known = index.isKnown(group).join();
            List<ObjectId> ids = known ? uncertain(objects) : stored.get();
            boolean allChecked = checks.checkEach(ids, takeoverChecks);
            if (!known && allChecked) {
                index.know(group).join();
            }
            scan.run();
            // Each check activates its object: without the replicated index, work in proportion to the group's stored objects.
            LOG.infof("alarms: took over group %d (%s): checked the alarms of %d objects, in %d ms", group,
                    known ? "its alarms known from the replicated log" : allChecked ? "now known" : "not known yet",
                    ids.size(), clock.millis() - started);
        }, Thread::startVirtualThread);
    }

    /** The objects {@code objects} selects whose index row is dirty: a commit changing their alarm was under way here. */
    private List<ObjectId> uncertain(Predicate<ObjectId> objects) {
        List<ObjectId> ids = new ArrayList<>();
        for (AlarmIndex.Row row : index.dirty().join()) {
            row.objectIn(targets).filter(objects).ifPresent(ids::add);
        }
        return ids;
    }

    /**
     * A committed change of an object's alarm, replicated from its group's leader: the index follows,
     * so the alarm is known here should this node take the group over (its attempts start afresh here).
     */
    public void replicated(ObjectId id, AlarmChange change) {
        OptionalLong scheduled = switch (change) {
            case AlarmChange.Unchanged unchanged -> null;
            case AlarmChange.Set set -> OptionalLong.of(set.scheduledMs());
            case AlarmChange.Deleted deleted -> OptionalLong.empty();
        };
        if (scheduled != null) {
            index.reconcile(id, scheduled).exceptionally(e -> {
                LOG.errorf(e, "alarms: recording the replicated alarm of %s failed; its group is checked at its next takeover here",
                        AlarmScheduler.describe(id));
                return null;
            });
        }
    }

    /**
     * The index may miss alarms of {@code group} (its files came from elsewhere than the entries this
     * node applied): the next takeover checks every object of it. Durable on return.
     */
    public void unknown(int group) {
        index.forget(group).join();
    }

    /**
     * {@code group} is rebuilt here from its log's first entry: the index learns every alarm of it as
     * the entries are applied (or is told it cannot, {@link #unknown}). Durable on return.
     */
    public void fromLogStart(int group) {
        index.know(group).join();
    }

    /**
     * Returns once every {@link #replicated} change so far is in the index (synced with
     * {@code durability=full}); fails when the index could not record one of them.
     */
    public void flushed() {
        index.flushed().join();
    }

    /** The node stops: a takeover waiting for a free slot goes on, and its checks fail as their objects refuse them. */
    void stop() {
        takeoverChecks.release(TAKEOVER_CHECKS);
    }
}
