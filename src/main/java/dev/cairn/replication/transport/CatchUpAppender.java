package dev.cairn.replication.transport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.jboss.logging.Logger;

/**
 * Ratis's gRPC log appender (one per follower of a group this node leads), except for one answer: a
 * follower that says it needs entries from an index at or below what this leader recorded as matched.
 *
 * <p>Why: Apache Ratis 3.2.2 only ever raises a follower's match index, and, for a heartbeat the follower
 * answers {@code INCONSISTENCY}, sends next from one past that index whatever the follower said
 * (RATIS-2523). A follower that lost the end of its log (its data directory wiped or replaced by an empty one,
 * a tail lost at a restart) then hears heartbeats it cannot accept, forever while the group is idle: the
 * leader sends entries only past the old match index, and there are none. Seen: a node started on an
 * empty data directory left behind for 30 s, until the leader's stalled-follower check handed the group
 * on (meanwhile its recorded match index made it look as if it followed closely).
 *
 * <p>One answer below the record proves nothing: a follower sent entries it has already committed
 * answers from its commit index, which lags the end of its log, and an answer can be overtaken by the
 * successes of later appends (lowering the record on every answer below it, tried first, had leaders
 * send committed entries again hundreds of times a minute while a restarted node caught up under load).
 * A follower that lost entries answers the same index against the same record again and again: seen
 * in CI for 40 s, a restarted follower whose log ended at 10372 asked six times a second for entries
 * from 10373 while its leader, recording 10376, sent from 10377 (its group, with the third member
 * stopping, could not commit for 12.8 s). So the appender lowers the record once the same answer
 * against the same record has lasted {@link #PERSISTENCE}: to the entry before the one the follower
 * asked for, and Ratis's own rule sends from there. {@link FollowerInfo#setSnapshotIndex} is the only
 * way Ratis offers to lower a match index; the follower's snapshot index it also sets only relaxes an
 * assertion on the first entry sent. Lowering one follower's match index never lowers the commit index
 * (Ratis only raises it).
 *
 * <p>Thread: Ratis's, as for any log appender; {@link #getNextIndexForInconsistency} runs on gRPC's
 * reply threads, hence the atomic reference.
 */
final class CatchUpAppender extends GrpcLogAppender {
    private static final Logger LOG = Logger.getLogger(CatchUpAppender.class);
    /**
     * How long the same answer against the same record must last: longer than a burst of answers to one
     * pipeline of appends. An idle leader's heartbeats come half the minimum election timeout apart, so
     * with Cairn's default (1 s) the third one lowers the record, about a second after the first.
     */
    static final Duration PERSISTENCE = Duration.ofMillis(800);

    /** An answer below the record: the record, the index asked for, and since when (nanoseconds). */
    private record Contradiction(long matched, long asked, long since) {}

    private final AtomicReference<Contradiction> contradiction = new AtomicReference<>();
    private final LongSupplier nanoTime;

    /** {@code nanoTime}: the clock that times how long an answer lasts. */
    CatchUpAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower, LongSupplier nanoTime) {
        super(server, leaderState, follower);
        this.nanoTime = nanoTime;
    }

    @Override
    protected long getNextIndexForInconsistency(long requestFirstIndex, long replyNextIndex) {
        FollowerInfo follower = getFollower();
        long matched = follower.getMatchIndex();
        if (replyNextIndex <= matched) {
            long now = nanoTime.getAsLong();
            Contradiction first = contradiction.get();
            if (first == null || first.matched() != matched || first.asked() != replyNextIndex) {
                contradiction.set(new Contradiction(matched, replyNextIndex, now));
            } else if (now - first.since() >= PERSISTENCE.toNanos()) {
                contradiction.set(null);
                LOG.infof("replication: %s: the follower has asked for entries from %d for %d ms, at or below the %d recorded as"
                        + " matched: it lost them; sending from %d", this, replyNextIndex, (now - first.since()) / 1_000_000, matched,
                        replyNextIndex);
                follower.setSnapshotIndex(replyNextIndex - 1);
            }
        }
        return super.getNextIndexForInconsistency(requestFirstIndex, replyNextIndex);
    }
}
