package dev.cairn.replication.transport;

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
 * on (meanwhile its recorded match index made it look as if it followed closely). With entries to send,
 * each such heartbeat answer moves the next index forward past the gap again and drops the batches in flight.
 *
 * <p>Such an answer proves the record wrong (the follower does not hold the matched entry as this leader
 * does), so the appender lowers the follower's match index to the entry before the one it asked for, and
 * Ratis's own rule then sends from there. {@link FollowerInfo#setSnapshotIndex} is the only way Ratis
 * offers to lower a match index; the follower's snapshot index it also sets only relaxes an assertion on
 * the first entry sent. Lowering one follower's match index never lowers the commit index (Ratis only
 * raises it): at worst, an answer that was overtaken by a later success costs a batch sent again.
 *
 * <p>Thread: Ratis's, as for any log appender; the method below runs on gRPC's reply threads.
 */
final class CatchUpAppender extends GrpcLogAppender {
    private static final Logger LOG = Logger.getLogger(CatchUpAppender.class);

    CatchUpAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    protected long getNextIndexForInconsistency(long requestFirstIndex, long replyNextIndex) {
        FollowerInfo follower = getFollower();
        long matched = follower.getMatchIndex();
        if (replyNextIndex <= matched) {
            LOG.infof("replication: %s: the follower asks for entries from %d, at or below the %d recorded as matched: it lost them;"
                    + " sending from %d", this, replyNextIndex, matched, replyNextIndex);
            follower.setSnapshotIndex(replyNextIndex - 1);
        }
        return super.getNextIndexForInconsistency(requestFirstIndex, replyNextIndex);
    }
}
