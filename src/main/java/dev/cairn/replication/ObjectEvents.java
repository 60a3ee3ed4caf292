package dev.cairn.replication;

import dev.cairn.api.ObjectId;
import dev.cairn.storage.AlarmChange;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The groups' events, handed on to the node's objects and to those watching leaders, on Ratis's
 * threads: an exception escaping there shuts the group's division down on this node for good, so a
 * failure on the node's side is logged, not thrown. Thread-safe; the objects are attached once, before
 * the Raft server starts (so before any group replays its log).
 */
final class ObjectEvents implements GroupEvents {
    private static final Logger LOG = Logger.getLogger(ObjectEvents.class);

    private final IntFunction<Predicate<ObjectId>> inGroup;
    private final List<Runnable> leaderWatchers = new CopyOnWriteArrayList<>();
    private volatile RaftHost.GroupObjects objects;

    /** Events for the objects {@code inGroup} selects per group. */
    ObjectEvents(IntFunction<Predicate<ObjectId>> inGroup) {
        this.inGroup = inGroup;
    }

    void attach(RaftHost.GroupObjects objects) {
        this.objects = objects;
    }

    /** Runs {@code changed} whenever a group's leader changes. */
    void onLeaderChange(Runnable changed) {
        leaderWatchers.add(changed);
    }

    @Override
    public void leadershipLost(int group) {
        RaftHost.GroupObjects o = objects;
        if (o != null) {
            guarded(group, "stopping its objects after the leadership was lost", () -> o.stop(inGroup.apply(group)));
        }
    }

    @Override
    public void serving(int group) {
        RaftHost.GroupObjects o = objects;
        if (o != null) {
            guarded(group, "preparing its objects to serve here", () -> o.serving(group, inGroup.apply(group)));
        }
    }

    @Override
    public void alarmChanged(String file, AlarmChange change) {
        objects().alarmChanged(file, change);
    }

    @Override
    public void alarmsUnknown(int group) {
        objects().alarmsUnknown(group);
    }

    @Override
    public void alarmsFromLogStart(int group) {
        objects().alarmsFromLogStart(group);
    }

    @Override
    public void alarmsFlushed() {
        objects().alarmsFlushed();
    }

    @Override
    public void leaderChanged(int group) {
        guarded(group, "telling the new leader to the forwarding", () -> leaderWatchers.forEach(Runnable::run));
    }

    private RaftHost.GroupObjects objects() {
        return Objects.requireNonNull(objects, "the groups started before the node's objects were given");
    }

    private static void guarded(int group, String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "replication: group %d: %s failed; the group goes on", group, what);
        }
    }
}
