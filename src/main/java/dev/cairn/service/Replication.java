package dev.cairn.service;

import dev.cairn.replication.RaftHost;

/**
 * How this node's commits replicate: not at all on a single node; through its Raft host in a cluster.
 * Public (with its records) for {@code service.health}'s cluster readiness check, which reads the Raft
 * host's apply backlogs and warm-up; produced and wired here.
 */
public sealed interface Replication {
    record None() implements Replication {}

    record Raft(RaftHost host) implements Replication {}
}
