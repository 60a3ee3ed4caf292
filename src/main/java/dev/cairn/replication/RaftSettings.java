package dev.cairn.replication;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How this node runs Raft. {@code electionTimeout}: a follower that hears nothing from its leader for
 * this to 1.5 times this (a random draw) starts an election.
 * {@code raftPortOffset}: each member listens for Raft on its HTTP port plus this.
 * {@code handOverWarmUp}: how long a member back from a restart counts as warming up ({@link HandOverOrder}).
 * {@code maxEntryBytes}: most bytes one commit may replicate.
 * {@code snapshotEvery}: entries of a group between two of its snapshots; {@code snapshotsKept}: how many
 * of them each group keeps. {@code logSegmentBytes}: size of a log segment file, the unit of purging.
 * Immutable.
 */
public record RaftSettings(Path dataDir, int raftPortOffset, Duration electionTimeout, Duration transferTimeout,
        Duration balanceInterval, Duration handOverWarmUp, int maxEntryBytes, long snapshotEvery, int snapshotsKept, long logSegmentBytes) {}
