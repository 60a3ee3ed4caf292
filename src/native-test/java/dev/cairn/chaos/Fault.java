package dev.cairn.chaos;

/** The kinds of fault the chaos tests inject, each with what the table calls it. */
enum Fault {
    /** SIGKILL of the node owning most shards (the leader of most groups), held down, then restarted. */
    KILL("kill -9, restart"),
    /** SIGSTOP of the node owning most shards for longer than a leader lease, then SIGCONT. */
    STOP("SIGSTOP, SIGCONT"),
    /** The node owning most shards cut off from the other nodes (clients reach every node), then healed. */
    PARTITION("partition, heal"),
    /** SIGKILL of the node owning fewest shards, its data directory deleted, restarted empty. */
    WIPE("wipe a follower"),
    /** Every node in turn: SIGTERM, restarted, ready before the next. */
    ROLLING("rolling SIGTERM");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
