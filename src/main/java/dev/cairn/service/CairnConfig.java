package dev.cairn.service;

import dev.cairn.storage.Durability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Cairn's configuration ({@code cairn.*} in {@code application.properties} or {@code CAIRN_*} variables). */
@ConfigMapping(prefix = "cairn")
public interface CairnConfig {

    /** Directory holding every object's database ({@code CAIRN_DATA_DIR}); created when missing. */
    @WithDefault("data")
    Path dataDir();

    /** Namespace name to its declaration; names are lowercase letters, digits and '-', starting with a letter. */
    Map<String, NamespaceConfig> namespaces();

    /** How objects run. */
    ObjectsConfig objects();

    /** Durability and the limits of each object's storage. */
    StorageConfig storage();

    /** How alarms are retried and found. */
    AlarmsConfig alarms();

    /** Hibernatable WebSockets: bounds per object and per socket. */
    WebSocketsConfig websockets();

    /** The cluster this node is part of; without {@code members}, a single node. */
    ClusterConfig cluster();

    /** Who may use the admin API, and the namespaces that require roles. */
    SecurityConfig security();

    /** How long graceful shutdown lets queued calls finish before refusing the rest. */
    @WithDefault("20s")
    Duration shutdownDrainTimeout();

    /** Longest an admin query runs before SQLite is interrupted (capped at half the namespace's event time limit). */
    @WithDefault("5s")
    Duration adminQueryTimeLimit();

    /** How long an object's new size and last write may stay in memory before the inventory's file has them. */
    @WithDefault("1s")
    Duration inventoryFlushInterval();

    /** One namespace. */
    interface NamespaceConfig {
        /**
         * Fully qualified object class, with a public constructor taking an {@code ObjectContext}; required
         * unless the namespace is {@link #deleted}.
         */
        @WithName("class")
        Optional<String> className();

        /**
         * The namespace's objects, ids and alarms are those stored under this older name: moved at the
         * next start, once (docs/configuration.md, Namespace lifecycle).
         */
        Optional<String> renamedFrom();

        /** Every object, alarm and file of this namespace is removed at the next start; it then has no class. */
        @WithDefault("false")
        boolean deleted();

        /**
         * Secret that ids are derived from: nodes sharing it derive the same id from the same name and
         * accept each other's ids. Defaults to a value derived from the namespace name.
         */
        Optional<String> key();

        /** Overrides {@code cairn.objects.mailbox-capacity} for this namespace. */
        OptionalInt mailboxCapacity();

        /** Overrides {@code cairn.objects.event-timeout} for this namespace (at most 5 minutes). */
        Optional<Duration> eventTimeout();

        /**
         * Roles of which a caller needs one to reach this namespace's objects (REST, fetch and
         * WebSockets); unset: open to every caller.
         */
        Optional<List<String>> rolesAllowed();
    }

    /** Authentication: users from configuration (HTTP Basic) beside bearer JWTs ({@code mp.jwt.verify.*}). */
    interface SecurityConfig {
        /** User name to its password hash and roles. */
        Map<String, UserConfig> users();
    }

    /** One HTTP Basic user. */
    interface UserConfig {
        /** {@code sha256:<salt>:<hex of SHA-256(salt + password)>}: the password itself is never configured. */
        String passwordHash();

        /** Its roles, e.g. {@code cairn-admin}. */
        List<String> roles();
    }

    /** Execution settings shared by every namespace. */
    interface ObjectsConfig {
        /** An object with no event for this long is evicted (database closed, instance dropped). */
        @WithDefault("10s")
        Duration idleTimeout();

        /** Most objects active at once; beyond it the least recently used idle ones are evicted. */
        @WithDefault("10000")
        int maxActive();

        /** Calls queued per object; one more fails at once with 503 "Too many requests queued". */
        @WithDefault("1024")
        int mailboxCapacity();

        /** A call still queued after this long fails with 503 "Requests queued for too long". */
        @WithDefault("10s")
        Duration queueDeadline();

        /**
         * A call, fetch or alarm run still running after this long is answered at once with 500
         * {@code event-timeout}; its writes are rolled back and the instance reset when its code returns.
         * At most 5 minutes.
         */
        @WithDefault("30s")
        Duration eventTimeout();

        /**
         * Work an object started outside its events ({@code ctx.outside}, {@code ctx.waitUntil}) keeps it
         * active for at most this long; past it the work is interrupted and the object may be evicted.
         */
        @WithDefault("15m")
        Duration outsideWorkLimit();

        /** Most queued calls whose writes share one commit (each still atomic on its own). */
        @WithDefault("128")
        int maxBatch();

        /** How often idle objects and overdue queued calls are looked for. */
        @WithDefault("250ms")
        Duration housekeepingInterval();
    }

    /** Storage settings; limits default to Cloudflare's documented values. */
    interface StorageConfig {
        /** {@code full}: reply after fsync (default); {@code relaxed}: reply after the OS has the write. */
        @WithDefault("full")
        Durability durability();

        /** Largest database file per object, in bytes; a write past it fails with "storage limit exceeded". */
        @WithDefault("10000000000")
        long maxBytesPerObject();

        /** Longest key-value key, in UTF-8 bytes. */
        @WithDefault("2048")
        int kvMaxKeyBytes();

        /** Largest key plus encoded value of one key-value entry, in bytes. */
        @WithDefault("2000000")
        int kvMaxEntryBytes();

        /** Most columns per table. */
        @WithDefault("100")
        int sqlMaxColumns();

        /** Most bound parameters per statement. */
        @WithDefault("100")
        int sqlMaxParameters();

        /** Longest SQL text passed to one exec, in UTF-8 bytes. */
        @WithDefault("100000")
        int sqlMaxStatementBytes();

        /** Largest string, blob or row, in bytes. */
        @WithDefault("2000000")
        int sqlMaxValueBytes();

        /** Longest LIKE or GLOB pattern, in bytes. */
        @WithDefault("50")
        int sqlMaxLikePatternBytes();

        /** Most arguments of one SQL function call. */
        @WithDefault("32")
        int sqlMaxFunctionArgs();

        /** The node's commit log, through which durability {@code full} makes commits durable. */
        CommitLogConfig commitLog();

        /** Each object's history, for point-in-time recovery (bookmarks). */
        HistoryConfig history();
    }

    /** Point-in-time recovery: each object's commits kept beside its database ({@code <id>.sqlite.history/}). Single-node mode only. */
    interface HistoryConfig {
        /** Whether commits are kept as history; off, bookmarks are refused. */
        @WithDefault("true")
        boolean enabled();

        /** How far back a bookmark reaches; older history is removed as the object commits. */
        @WithDefault("30d")
        Duration window();

        /** Disk budget of one object's history, in bytes; past it the oldest history goes first, even inside the window. */
        @WithDefault("1073741824")
        long maxBytesPerObject();
    }

    /** The node's commit log ({@code <data-dir>/commit-log/}). */
    interface CommitLogConfig {
        /** A segment this large (bytes) is closed and a new one started. */
        @WithDefault("67108864")
        long segmentSize();

        /** A segment this old is closed too; closed segments are deleted once the WALs they cover are fsynced. */
        @WithDefault("10s")
        Duration flushInterval();
    }

    /** Alarm retries (Cloudflare's schedule by default) and the index scan. */
    interface AlarmsConfig {
        /** Delay before the first retry of a failed alarm handler; each further retry waits twice as long. */
        @WithDefault("2s")
        Duration retryInitialDelay();

        /** Retries after the first attempt; when the last one fails the alarm is dropped (logged and counted). */
        @WithDefault("6")
        int maxRetries();

        /** Up to this fraction of each retry delay is added at random (0 to 1). */
        @WithDefault("0.25")
        double retryJitter();

        /** How often the alarm index is scanned for alarms due soon; they are then fired by a timer at their time. */
        @WithDefault("1s")
        Duration scanInterval();

        /** Whether a timer fires due alarms by itself; {@code false} only in tests that fire them by hand. */
        @WithDefault("true")
        boolean timer();
    }

    /** WebSocket bounds; defaults follow Cloudflare's documented limits where it has one. */
    interface WebSocketsConfig {
        /** Open sockets per object; one more is refused at upgrade with 429. */
        @WithDefault("32768")
        int maxSocketsPerObject();

        /**
         * Largest message received or sent, in bytes (32 MiB); a larger one received closes the socket
         * with 1009. Also sets Quarkus' WebSocket frame and message limits (see application.properties).
         */
        @WithDefault("33554432")
        int maxMessageSize();

        /** Largest encoded attachment per socket, in bytes (16 KiB). */
        @WithDefault("16384")
        int maxAttachmentSize();

        /**
         * Bytes sent to one socket but not yet taken by the network; past it the client is too slow and the
         * socket is closed with 1008. A single larger message is still sent when nothing else is pending.
         * Also the most one event may send to one socket (its sends wait for the commit): past it send throws.
         */
        @WithDefault("1048576")
        int maxOutboundBuffer();

        /** Longest a socket event may run (an object may change it for itself, up to 7 days). */
        @WithDefault("30s")
        Duration eventTimeout();
    }

    /** A cluster of nodes, each object on exactly one of them (docs/cluster.md). */
    interface ClusterConfig {
        /** This node's id: one of the members' ids (1 to 63 lowercase letters, digits or '-'). */
        Optional<String> nodeId();

        /** Every node, this one included: {@code id=http://host:port}, comma-separated. Unset: a single node. */
        Optional<String> members();

        /** Shards objects are spread over (1 to 4096); fixed for the life of the cluster. */
        @WithDefault("64")
        int shards();

        /**
         * Raft groups the shards are spread over (1 to 256, at most one per shard); fixed for the life of the
         * cluster. Unset: {@link dev.cairn.cluster.Groups#PER_MEMBER} per member, at most one per shard.
         */
        Optional<Integer> groups();

        /** Members each group is replicated on (all members when fewer); a commit counts once a majority of them has it. */
        @WithDefault("3")
        int replicas();

        /** Each member listens for Raft (gRPC) on its HTTP port plus this. */
        @WithDefault("1000")
        int raftPortOffset();

        /** A follower that hears nothing from its leader for this to 1.5 times this (a random draw) starts an election. */
        @WithDefault("1s")
        Duration electionTimeout();

        /** Longest a planned move of a group's leadership (balancing, a stopping node) may take. */
        @WithDefault("3s")
        Duration transferTimeout();

        /** How often a node hands groups it leads back to their preferred member, when that member is up. */
        @WithDefault("5s")
        Duration balanceInterval();

        /**
         * How long a member back from a restart counts as warming up: a stopping node hands its groups to
         * members up longer first (a JVM node serves slowly while its JIT compiles).
         */
        @WithDefault("2m")
        Duration handOverWarmUp();

        /** Most bytes one batch of one object may replicate (the WAL bytes of its commit). */
        @WithDefault("8388608")
        int maxEntryBytes();

        /**
         * Entries of a group between two of its snapshots (built in the background from the previous one
         * and these entries); the log is purged up to each. Bounds the log and what a restart replays
         * before its node is ready: at 100,000 a rolling restart's nodes replayed for a minute and more.
         */
        @WithDefault("5000")
        long snapshotEvery();

        /** Snapshots each group keeps on a member (the newest ones; older ones are deleted). */
        @WithDefault("2")
        int snapshotsKept();

        /** Size of one Raft log segment file: a snapshot purges the segments wholly before it. */
        @WithDefault("8388608")
        long logSegmentBytes();

        /** A forwarded request whose owner sends nothing for this long fails with 503. */
        @WithDefault("30s")
        Duration forwardTimeout();

        /** Longest wait for a connection to another member (forwarding and probes). */
        @WithDefault("2s")
        Duration connectTimeout();

        /** How often every other member's liveness is probed (readiness, {@code GET /cluster}). */
        @WithDefault("2s")
        Duration probeInterval();

        /** A probe not answered within this is a member down. */
        @WithDefault("1s")
        Duration probeTimeout();
    }
}
