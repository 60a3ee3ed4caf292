package dev.cairn.replication;

import dev.cairn.api.ObjectId;
import dev.cairn.cluster.Groups;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.cluster.MemberReadiness;
import dev.cairn.cluster.OwnStorage;
import dev.cairn.cluster.Members;
import dev.cairn.cluster.ShardOwners;
import dev.cairn.cluster.Shards;
import dev.cairn.replication.commits.CommitBatches;
import dev.cairn.replication.commits.LiveFiles;
import dev.cairn.replication.commits.Shipments;
import dev.cairn.replication.snapshots.GroupSnapshots;
import dev.cairn.replication.snapshots.Snapshot;
import dev.cairn.replication.snapshots.SnapshotStats;
import dev.cairn.replication.snapshots.SnapshotStore;
import dev.cairn.runtime.Placement;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.CommitSink;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
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
 *
 * <p>About 420 lines: the server's start and stop, and every question the node asks of its groups
 * (durability, owners, placement, backlogs, closed groups, snapshots), each handed to the classes above.
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
    private final ObjectEvents events;
    private volatile long callId;
    private RaftServer server;
    private volatile LeadershipBalancer balancer;
    private volatile CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    private volatile Phase phase = Phase.CREATED;

    /** Where the host is in its life: only a started host's closed divisions are failures ({@link #closedGroups}). */
    private enum Phase { CREATED, STARTED, CLOSED }

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

        /**
         * Runs the objects' own code once on scratch data in {@code scratch} (an empty directory), giving
         * up after {@code limit}, so the first calls of a group handed to this node do not run it cold
         * ({@link WarmUp}); never throws.
         */
        void warmUp(Path scratch, Duration limit);
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
        this.events = new ObjectEvents(this::inGroup);
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
        return machines.stream().filter(Objects::nonNull).mapToLong(m -> m.appends().appended()).sum();
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

    /**
     * Whether this node has run its {@link WarmUp} (Raft's leader code and the objects' code on scratch
     * data, at start, alongside the log's replay); until then it is not ready, so no leadership is
     * handed to it cold.
     */
    public boolean warm() {
        return warmedUp.isDone();
    }

    /** The groups this node replicates. */
    public List<Integer> groupsHere() {
        return groups.groupsOf(members.self());
    }

    /**
     * The groups here that have more committed entries left to apply than a replica may lag and still
     * take the leadership at once, with how many: group → entries, in group order.
     */
    public SortedMap<Integer, Long> applyBacklogs() {
        SortedMap<Integer, Long> behind = new TreeMap<>();
        for (int g : groupsHere()) {
            long backlog = applyBacklog(g);
            if (backlog > GroupMachine.CLOSE_ENOUGH) {
                behind.put(g, backlog);
            }
        }
        return behind;
    }

    /**
     * The groups whose division was closed here while this node runs (writing their log or applying an
     * entry failed), in group order: this node no longer replicates them until it restarts. Empty
     * before the server starts and once it closes.
     */
    public List<Integer> closedGroups() {
        return switch (phase) {
            case CREATED, CLOSED -> List.of();
            case STARTED -> groupsHere().stream().filter(g -> machines.get(g).closedHere()).toList();
        };
    }

    /** Entries of {@code group} committed that this node has not applied yet. */
    public long applyBacklog(int group) {
        return machines.get(group).applyBacklog();
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
                events.onLeaderChange(changed);
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
                machines.get(groups.groupOf(shards.shardOf(id))).appends().confirmLeadership();
            }
        };
    }

    /**
     * Starts the Raft server (replaying the log into the files) and the leadership balancer, which
     * hands groups back only to members that say they are ready, and away from this node while its
     * own data directory refuses writes.
     */
    public void start(GroupObjects objects, MemberReadiness readiness, OwnStorage ownStorage) {
        events.attach(objects);
        Path raft = settings.dataDir().resolve(RAFT_DIR);
        boolean fresh = !Files.isDirectory(raft);
        try {
            Files.createDirectories(raft);
            RaftPort.checkFree(raftPort(members.url(members.self())));
            server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(members.self()))
                    .setProperties(RatisTuning.properties(settings, raft, raftPort(members.url(members.self()))))
                    .setStateMachineRegistry(id -> machines.get(groupOf(id)))
                    .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                    .build();
            try {
                server.start();
            } catch (IOException | RuntimeException e) {
                throw RaftStartFailure.of(members.self(), raft, e);
            }
            for (int g : groups.groupsOf(members.self())) {
                addGroup(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Raft server of node " + members.self() + " in " + raft + ": " + e.getMessage(), e);
        }
        phase = Phase.STARTED;
        balancer = LeadershipBalancer.start(server, settings, members, groups, health, readiness, ownStorage, machines, InstantSource.system());
        warmedUp = WarmUp.start(settings, objects, Path.of(System.getProperty("java.io.tmpdir")));
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
        phase = Phase.CLOSED;
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
}
