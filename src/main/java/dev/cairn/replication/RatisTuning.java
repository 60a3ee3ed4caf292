package dev.cairn.replication;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.cairn.replication.transport.CatchUpRpc;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The properties Cairn runs its Ratis server with, each with why it differs from Ratis's default:
 * the log appender ({@link CatchUpRpc}), election and request timeouts from {@code cairn.cluster.election-timeout}, reads confirmed by a
 * commit rather than a lease, snapshots and log bounds, entry and message sizes. Stateless.
 */
final class RatisTuning {
    private RatisTuning() {}

    /** The server's properties: its storage in {@code raft}, its gRPC server on {@code port}. */
    static RaftProperties properties(RaftSettings settings, Path raft, int port) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raft.toFile()));
        GrpcConfigKeys.Server.setPort(p, port);
        // gRPC with a log appender that lets a follower which lost the end of its log catch up (replication.transport).
        RaftConfigKeys.Rpc.setType(p, new CatchUpRpc());
        long election = settings.electionTimeout().toMillis();
        // Ratis's follower sleeps a timeout drawn from [min, max], then checks whether its leader was silent
        // for that long, and else sleeps another: it notices a silent leader one to two draws after the last
        // heartbeat. A max of 1.5 x min bounds that at 3 x min (2 x min would make it 4 x).
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(election * 3 / 2, TimeUnit.MILLISECONDS));
        // A candidate's round waits for every vote until this deadline, and a candidate that is asked for its
        // vote answers only once its own round is over: with a member cut off (its requests hang, not fail),
        // a deadline of 3 x min made every round, and the winner's vote from a losing candidate, wait a
        // whole timeout. The same deadline bounds append requests, whose replies come in milliseconds.
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(election / 2, TimeUnit.MILLISECONDS));
        // A leader that stepped down for lost heartbeats (it was cut off) stands again after this, not after
        // Ratis's 10 s: otherwise, when it holds the longest log of the group, no one else can win meanwhile.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        // Reads are confirmed by committing an empty entry (GroupMachine.confirmLeadership), never by the leader lease.
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
        // Snapshots (GroupSnapshots): asked for every snapshotEvery entries, built in the background; the log is
        // purged up to each one even while a member lags (it installs the snapshot then), so it stays bounded.
        // None at stop: a build there would only delay it, the log holds everything since the last one.
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, settings.snapshotEvery());
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // ...but never the last snapshotEvery entries: a member back from a restart (a minute away, thousands of
        // entries behind) catches up from the log. Purged right up to each snapshot, it had to install one, file
        // by file, slower than the log moved on under load; a leader change cut each install short.
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, settings.snapshotEvery());
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(settings.logSegmentBytes()));
        // A snapshot is sent in pieces that must fit a gRPC message (sized for entries below).
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf(settings.maxEntryBytes()));
        // Entries are whole commits: one must fit in an append batch and in the log's write buffer.
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(settings.maxEntryBytes() + 1024L));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(settings.maxEntryBytes() + 2048L));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(2L * settings.maxEntryBytes() + (1 << 20)));
        return p;
    }
}
