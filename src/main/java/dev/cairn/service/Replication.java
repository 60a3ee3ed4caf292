package dev.cairn.service;

import dev.cairn.replication.RaftHost;

/** How this node's commits replicate: not at all on a single node; through its Raft host in a cluster. */
sealed interface Replication {
    record None() implements Replication {}

    record Raft(RaftHost host) implements Replication {}
}
