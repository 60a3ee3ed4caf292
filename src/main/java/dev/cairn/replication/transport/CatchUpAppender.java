package dev.cairn.replication.transport;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.raftlog.RaftLog;
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
 * <p>An answer proves the record wrong only in one shape: an answer to a heartbeat while, by the
 * record, the follower holds every entry of this leader's log (nothing in flight, nothing new to send),
 * asking for an entry at or below the record. Other answers below the record are common and mean no
 * loss: a follower sent entries it has already committed answers from its commit index, which lags the
 * end of its log, and an answer can be overtaken by the successes of later appends (lowering the record
 * on every answer below it, tried first, had leaders send committed entries again hundreds of times a
 * minute while a restarted node caught up under load). And while a leader has entries to send, its
 * appends back off to what the follower has by Ratis's own rule. Even so the shape must be seen twice
 * against the same record: then the appender lowers the follower's match index to the entry before the
 * one it asked for, and Ratis's own rule sends from there. {@link FollowerInfo#setSnapshotIndex} is the only way
 * Ratis offers to lower a match index; the follower's snapshot index it also sets only relaxes an
 * assertion on the first entry sent. Lowering one follower's match index never lowers the commit index
 * (Ratis only raises it).
 *
 * <p>Thread: Ratis's, as for any log appender; {@link #getNextIndexForInconsistency} runs on gRPC's
 * reply threads, hence the atomic.
 */
final class CatchUpAppender extends GrpcLogAppender {
    private static final Logger LOG = Logger.getLogger(CatchUpAppender.class);
    private static final long NONE = Long.MIN_VALUE;

    /** The match index that one answer of that shape contradicted so far, or {@link #NONE}. */
    private final AtomicLong contradicted = new AtomicLong(NONE);

    CatchUpAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    protected long getNextIndexForInconsistency(long requestFirstIndex, long replyNextIndex) {
        FollowerInfo follower = getFollower();
        long matched = follower.getMatchIndex();
        boolean holdsAllByRecord = follower.getNextIndex() == matched + 1 && getRaftLog().getNextIndex() == matched + 1;
        boolean lost = requestFirstIndex == RaftLog.INVALID_LOG_INDEX && holdsAllByRecord && replyNextIndex <= matched;
        if (lost && contradicted.getAndSet(matched) == matched) {
            contradicted.set(NONE);
            LOG.infof("replication: %s: the follower asks again for entries from %d, at or below the %d recorded as matched:"
                    + " it lost them; sending from %d", this, replyNextIndex, matched, replyNextIndex);
            follower.setSnapshotIndex(replyNextIndex - 1);
        }
        return super.getNextIndexForInconsistency(requestFirstIndex, replyNextIndex);
    }
}
