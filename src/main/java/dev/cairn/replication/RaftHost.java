package dev.cairn.replication;

import dev.cairn.api.ObjectId;
import dev.cairn.cluster.Groups;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.cluster.MemberReadiness;
import dev.cairn.cluster.Members;
import dev.cairn.cluster.ShardOwners;
import dev.cairn.cluster.Shards;
import dev.cairn.runtime.Placement;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.CommitSink;
import dev.cairn.storage.ReplicaWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * This node's Raft server, and this package's entry point: one Apache Ratis server hosting every
 * group this node replicates ({@link Groups}), its log in {@code <data-dir>/raft}. It gives the node
 * where commits become durable ({@link #sink}), who owns each shard ({@link #owners}) and where
 * objects live ({@link #placement}); its {@link LeadershipBalancer} moves leadership to each group's
 * preferred member, and away from this node before it stops ({@link #transferLeadershipAway}).
 *
 * <p>The object files are derived state: at start-up every file is removed, and each group rebuilds its
 * files from its newest snapshot and the log entries after it as Ratis replays them, so nothing a
 * crashed leader wrote without committing survives. Snapshots are built on one thread of their own
 * ({@link GroupSnapshots}). Thread-safe; {@link #start} and {@link #close} once each, by the service.
 */
public final class RaftHost implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RaftHost.class);
    static final String RAFT_DIR = "raft";

    private final RaftSettings settings;
    private final Members members;
    private final Shards shards;
    private final Groups groups;
    private final MemberHealth health;
    private final List<GroupMachine> machines;
    private final ReplicatedSink sink;
    private final Shipments shipments;
    private final ClientId clientId = ClientId.randomId();
    private final ExecutorService snapshotThread;
    private final SnapshotStats snapshotStats = new SnapshotStats();
    private volatile GroupObjects objects;
    private volatile long callId;
    private RaftServer server;
    private volatile LeadershipBalancer balancer;
    private final List<Runnable> leaderWatchers = new CopyOnWriteArrayList<>();

    /** What this node's objects do when a group's leadership comes or goes. Thread-safe. */
    public interface GroupObjects {
        /** The objects {@code moved} selects stop running here; completes once they have. */
        CompletableFuture<Void> stop(Predicate<ObjectId> moved);

        /** The objects of {@code group}, which {@code objects} selects, may run here from now on. */
        void serving(int group, Predicate<ObjectId> objects);

        /** See {@link GroupEvents#alarmChanged}. */
        void alarmChanged(String file, AlarmChange change);

        /** See {@link GroupEvents#alarmsUnknown}. */
        void alarmsUnknown(int group);

        /** See {@link GroupEvents#alarmsFromLogStart}. */
        void alarmsFromLogStart(int group);

        /** See {@link GroupEvents#alarmsFlushed}. */
        void alarmsFlushed();
    }

    private RaftHost(RaftSettings settings, Members members, Shards shards, Groups groups, MemberHealth health, RandomGenerator random) {
        this.settings = settings;
        this.members = members;
        this.shards = shards;
        this.groups = groups;
        this.health = health;
        this.shipments = new Shipments(random.nextLong());
        LiveFiles live = new LiveFiles();
        List<GroupMachine> all = new ArrayList<>(Collections.nCopies(groups.count(), null));
        GroupEvents events = new Events();
        this.snapshotThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("cairn-raft-snapshots").factory());
        for (int g : groups.groupsOf(members.self())) {
            int group = g;
            GroupFiles files = new GroupFiles(settings.dataDir(), hex -> groups.groupOf(shards.shardOf(hex)) == group);
            GroupSnapshots snapshots = new GroupSnapshots(g, new SnapshotStore(settings.snapshotsKept()), settings.snapshotEvery(),
                    snapshotThread, snapshotStats);
            all.set(g, new GroupMachine(g, shipments, live, () -> new ReplicaWriter(settings.dataDir()), files, snapshots, events,
                    settings.electionTimeout(), CommitBatches.Clock.SYSTEM, settings.electionTimeout().multipliedBy(5),
                    settings.maxEntryBytes()));
        }
        this.machines = Collections.unmodifiableList(all);
        this.sink = new ReplicatedSink(settings.dataDir(), shards, groups, machines, shipments, live, settings.maxEntryBytes());
    }

    /**
     * The host of this node, its object files removed (they are rebuilt from the snapshots and the log once it starts).
     * @throws IllegalStateException when the data directory holds objects but no Raft log: the data of a
     *     single node, which a cluster member must not delete
     */
    public static RaftHost create(RaftSettings settings, Members members, Shards shards, Groups groups, MemberHealth health,
            RandomGenerator random) {
        Path raft = settings.dataDir().resolve(RAFT_DIR);
        List<Path> objectFiles = GroupFiles.all(settings.dataDir(), raft);
        if (!Files.isDirectory(raft) && !objectFiles.isEmpty()) {
            throw new IllegalStateException("cairn.data-dir " + settings.dataDir().toAbsolutePath() + " holds " + objectFiles.size()
                    + " object files but no Raft log: it is a single node's data. A cluster member starts from an empty data"
                    + " directory (or its own); move these files away first");
        }
        for (Path f : objectFiles) {
            try {
                Files.delete(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + f + " before rebuilding it from the snapshots and the Raft log", e);
            }
        }
        if (!objectFiles.isEmpty()) {
            LOG.infof("replication: removed %d object files; the snapshots and the Raft log rebuild them", objectFiles.size());
        }
        return new RaftHost(settings, members, shards, groups, health, random);
    }

    public CommitSink sink() {
        return sink;
    }

    /** Commits shipped as Raft entries by this process, for metrics. */
    public long shippedEntries() {
        return shipments.shipped();
    }

    /** The Raft entries that carried them (several commits to one when they came together) and the reads' confirmations. */
    public long appendedEntries() {
        return machines.stream().filter(Objects::nonNull).mapToLong(GroupMachine::entriesAppended).sum();
    }

    /** Their payload bytes (WAL bytes, and a new file's first bytes). */
    public long shippedBytes() {
        return shipments.shippedBytes();
    }

    /** Snapshots this node's groups built. */
    public long snapshotsBuilt() {
        return snapshotStats.built();
    }

    /** Seconds spent building them. */
    public double snapshotBuildSeconds() {
        return snapshotStats.buildSeconds();
    }

    /** Snapshots this node's groups installed from their leader (they were too far behind its log). */
    public long snapshotsInstalled() {
        return snapshotStats.installed();
    }

    /** The groups this node replicates. */
    public List<Integer> groupsHere() {
        return groups.groupsOf(members.self());
    }

    /** The log index of {@code group}'s newest snapshot here, or -1. */
    public long snapshotIndex(int group) {
        Snapshot s = machines.get(group).getStateMachineStorage().latest();
        return s == null ? -1 : s.index();
    }

    /** The first index of {@code group}'s log here (entries before it are purged, in a snapshot), or -1 before it starts. */
    public long logStartIndex(int group) {
        return machines.get(group).logStartIndex();
    }

    /** Shipped entries whose replication failed, their commits rolled back here. */
    public long withdrawnEntries() {
        return shipments.withdrawn();
    }

    /** The owner of each shard: its group's serving leader. */
    public ShardOwners owners() {
        return new ShardOwners() {
            @Override
            public Optional<String> ownerOf(int shard) {
                return leaderOf(groups.groupOf(shard));
            }

            @Override
            public void onChange(Runnable changed) {
                leaderWatchers.add(changed);
            }
        };
    }

    /**
     * The serving leader of {@code group} as far as this node knows; for a group this node does not
     * replicate (clusters of more members than replicas), its preferred member, which forwards no further.
     */
    private Optional<String> leaderOf(int group) {
        GroupMachine m = machines.get(group);
        return m == null ? Optional.of(groups.preferredLeader(group)) : m.leader();
    }

    /** Where objects live: with their group's serving leader; a batch that wrote nothing is confirmed by a heartbeat round. */
    public Placement placement() {
        return new Placement() {
            @Override
            public Location locate(ObjectId id) {
                int shard = shards.shardOf(id);
                int group = groups.groupOf(shard);
                Optional<String> leader = leaderOf(group);
                if (leader.isEmpty()) {
                    return new Location.Unavailable("group " + group + " of shard " + shard + " has no serving leader yet");
                }
                return leader.get().equals(members.self()) ? Location.HERE : new Location.Elsewhere(leader.get());
            }

            @Override
            public void confirmHere(ObjectId id) {
                machines.get(groups.groupOf(shards.shardOf(id))).confirmLeadership();
            }
        };
    }

    /**
     * Starts the Raft server (replaying the log into the files) and the leadership balancer, which
     * hands groups back only to members that say they are ready.
     */
    public void start(GroupObjects objects, MemberReadiness readiness) {
        this.objects = objects;
        Path raft = settings.dataDir().resolve(RAFT_DIR);
        boolean fresh = !Files.isDirectory(raft);
        try {
            Files.createDirectories(raft);
            server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(members.self()))
                    .setProperties(properties(raft))
                    .setStateMachineRegistry(id -> machines.get(groupOf(id)))
                    .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                    .build();
            server.start();
            for (int g : groups.groupsOf(members.self())) {
                addGroup(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Raft server of node " + members.self() + " in " + raft + ": " + e.getMessage(), e);
        }
        balancer = LeadershipBalancer.start(server, settings, members, groups, health, readiness, machines, InstantSource.system());
        LOG.infof("replication: node %s replicates groups %s of %d (Raft on port %d)", members.self(), groups.groupsOf(members.self()),
                groups.count(), raftPort(members.url(members.self())));
    }

    /** Adds a group on first start; on later starts Ratis has found it in its storage already. */
    private void addGroup(int g) throws IOException {
        try {
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(clientId, server.getId(), nextCall(), raftGroup(g), true));
            if (!reply.isSuccess()) {
                throw new IOException("cannot add group " + g + ": " + reply.getException());
            }
        } catch (AlreadyExistsException recovered) {
            // found in storage
        }
    }

    private RaftProperties properties(Path raft) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raft.toFile()));
        GrpcConfigKeys.Server.setPort(p, raftPort(members.url(members.self())));
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

    private int raftPort(URI member) {
        return member.getPort() + settings.raftPortOffset();
    }

    private RaftGroup raftGroup(int g) {
        List<RaftPeer> peers = groups.replicas(g).stream()
                .map(id -> RaftPeer.newBuilder().setId(id).setAddress(members.url(id).getHost() + ":" + raftPort(members.url(id))).build())
                .toList();
        return RaftGroup.valueOf(groupId(g), peers);
    }

    /** A group's Raft id: fixed by its number, the same on every member. */
    static RaftGroupId groupId(int g) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("cairn-group-" + g).getBytes(StandardCharsets.UTF_8)));
    }

    private int groupOf(RaftGroupId id) {
        for (int g = 0; g < groups.count(); g++) {
            if (groupId(g).equals(id)) {
                return g;
            }
        }
        throw new IllegalArgumentException("Raft group " + id + " is none of this cluster's " + groups.count() + " groups");
    }

    private synchronized long nextCall() {
        return ++callId;
    }

    /** The objects of {@code group}. */
    private Predicate<ObjectId> inGroup(int group) {
        return id -> groups.groupOf(shards.shardOf(id)) == group;
    }

    /**
     * Before this node stops: hands the leadership of every group it leads to another replica that is
     * up, so its objects move with nothing but retryable answers meanwhile. Returns once done or after
     * the transfer timeout.
     */
    public void transferLeadershipAway() {
        LeadershipBalancer b = balancer;
        if (b != null) {
            b.handOverAll();
        }
    }

    @Override
    public void close() {
        LeadershipBalancer b = balancer;
        if (b != null) {
            b.close();
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.warnf("replication: closing the Raft server failed: %s", e.getMessage());
            }
        }
        snapshotThread.shutdownNow(); // each group cancelled and awaited its build as it closed
    }

    /**
     * Group events, handed to the node's objects, on Ratis's threads: an exception escaping there shuts the
     * group's division down on this node for good, so a failure on the node's side is logged, not thrown.
     */
    private final class Events implements GroupEvents {
        @Override
        public void leadershipLost(int group) {
            GroupObjects o = objects;
            if (o != null) {
                guarded(group, "stopping its objects after the leadership was lost", () -> o.stop(inGroup(group)));
            }
        }

        @Override
        public void serving(int group) {
            GroupObjects o = objects;
            if (o != null) {
                guarded(group, "preparing its objects to serve here", () -> o.serving(group, inGroup(group)));
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

        /** Set before the server starts, so before any group replays its log. */
        private GroupObjects objects() {
            return Objects.requireNonNull(objects, "the groups started before the node's objects were given");
        }

        @Override
        public void leaderChanged(int group) {
            guarded(group, "telling the new leader to the forwarding", () -> leaderWatchers.forEach(Runnable::run));
        }

        private static void guarded(int group, String what, Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "replication: group %d: %s failed; the group goes on", group, what);
            }
        }
    }
}
