package dev.cairn.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * Runs Ratis's leader code once before this node says it is ready. Three scratch Raft servers in this
 * process (on loopback ports they choose, in a scratch directory, with Cairn's Ratis properties and
 * state machines that keep nothing) elect a leader, commit entries through it, and hand the leadership to each of the
 * other two, which commit entries in turn; then they stop.
 *
 * <p>Why: a member back from a restart has run only the follower side of Ratis while it caught up, so
 * its first leadership, a group handed back to it, ran the leader's code for the first time in the
 * process: 0.2-0.8 s from winning the vote to leading, then slow first appends, the group's calls
 * waiting all along (docs/cluster.md). The scratch group pays that once, for no group.
 *
 * <p>Thread: {@link #run} once, on a thread of the caller's; the state machines are called by Ratis's threads.
 */
final class RaftWarmUp {
    private static final Logger LOG = Logger.getLogger(RaftWarmUp.class);
    static final int MEMBERS = 3;
    /**
     * Entries each leader commits. Few suffice: what made a first leadership slow runs once per process
     * (classes loaded and initialized, first calls interpreted); a member's second leadership after a
     * restart took 12 ms from its vote to leading where the first had taken 233 ms.
     */
    private static final int ENTRIES_PER_LEADER = 64;
    private static final int IN_FLIGHT = 8;
    /** About the size of a small commit's WAL bytes. */
    private static final int ENTRY_BYTES = 1024;
    private static final String LOOPBACK = "127.0.0.1";
    /** A leader that just said it is ready may still refuse entries for a moment (LeaderNotReadyException). */
    private static final Duration NOT_READY_PAUSE = Duration.ofMillis(20);
    private static final TimeDuration ELECTION_MIN = TimeDuration.valueOf(300, TimeUnit.MILLISECONDS);
    private static final TimeDuration ELECTION_MAX = TimeDuration.valueOf(600, TimeUnit.MILLISECONDS);
    private static final TimeDuration REQUEST_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);
    /** Longer than a real group's: a busy node (one back from a restart catches up meanwhile) may take seconds. */
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(10);

    private final RaftSettings settings;
    private final Path scratch;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();

    /** {@code scratch}: an empty directory for the scratch group's logs, which the caller removes. */
    RaftWarmUp(RaftSettings settings, Path scratch) {
        this.settings = settings;
        this.scratch = scratch;
    }

    /** A state machine that keeps nothing and says when its member became a ready leader. */
    private static final class ScratchMachine extends BaseStateMachine {
        final CompletableFuture<Void> leading = new CompletableFuture<>();

        @Override
        public void notifyLeaderReady() {
            leading.complete(null);
        }
    }

    private record Member(RaftServer server, ScratchMachine machine) {}

    /**
     * Warms up, giving up after {@code limit}; a failure is logged (the node then serves its first
     * leaderships cold, as without the warm-up) and never thrown. Returns how many scratch members led
     * and committed entries: {@link #MEMBERS} when it went through.
     */
    int run(Duration limit) {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        List<Member> members = new ArrayList<>();
        int leaders = 0;
        try {
            // Each server binds a port of loopback's own choosing: a port picked beforehand may be taken by the
            // time it binds, and Ratis ends the whole process when its gRPC server cannot bind.
            for (int i = 1; i <= MEMBERS; i++) {
                RaftPeerId id = RaftPeerId.valueOf("warm-up-" + i);
                RaftProperties properties = RatisTuning.properties(settings, Files.createDirectories(scratch.resolve(id.toString())), 0);
                GrpcConfigKeys.Server.setHost(properties, LOOPBACK);
                // The same code runs whatever the timeouts: short ones spare the first election a second or two
                // of waiting (three members starting together often split their first vote).
                RaftServerConfigKeys.Rpc.setTimeoutMin(properties, ELECTION_MIN);
                RaftServerConfigKeys.Rpc.setTimeoutMax(properties, ELECTION_MAX);
                RaftServerConfigKeys.Rpc.setRequestTimeout(properties, REQUEST_TIMEOUT);
                ScratchMachine machine = new ScratchMachine();
                RaftServer server = RaftServer.newBuilder()
                        .setServerId(id)
                        .setProperties(properties)
                        .setStateMachine(machine)
                        .setOption(RaftStorage.StartupOption.FORMAT)
                        .build();
                members.add(new Member(server, machine));
                server.start();
            }
            RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), members.stream()
                    .map(m -> RaftPeer.newBuilder().setId(m.server().getId())
                            .setAddress(LOOPBACK + ":" + m.server().getServerRpc().getInetSocketAddress().getPort()).build())
                    .toList());
            for (Member m : members) {
                RaftClientReply added = m.server().groupManagement(GroupManagementRequest.newAdd(clientId, m.server().getId(),
                        calls.incrementAndGet(), group, true));
                if (!added.isSuccess()) {
                    throw new IOException("cannot add the scratch group to " + m.server().getId() + ": " + added.getException());
                }
            }
            await(CompletableFuture.anyOf(members.stream().map(m -> m.machine().leading).toArray(CompletableFuture[]::new)), deadline);
            Member leader = members.stream().filter(m -> m.machine().leading.isDone()).findFirst().orElseThrow();
            commit(leader, group.getGroupId(), deadline);
            leaders++;
            for (Member next : members) {
                if (next.machine().leading.isDone()) {
                    continue;
                }
                RaftClientReply moved = await(leader.server().transferLeadershipAsync(new TransferLeadershipRequest(clientId,
                        leader.server().getId(), group.getGroupId(), calls.incrementAndGet(), next.server().getId(),
                        TRANSFER_TIMEOUT.toMillis())), deadline);
                if (!moved.isSuccess()) {
                    LOG.debugf("replication: warm-up: moving the leadership to %s failed (%s); on to the next member", next.server().getId(),
                            moved.getException());
                    continue;
                }
                await(next.machine().leading, deadline);
                commit(next, group.getGroupId(), deadline);
                leaders++;
                leader = next;
            }
            LOG.infof("replication: ran the Raft leader's code on a scratch group of %d in %d ms (%d of them led, %d entries each)", MEMBERS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), leaders, ENTRIES_PER_LEADER);
        } catch (Exception e) {
            LOG.warnf("replication: the warm-up on a scratch Raft group failed after %d ms, %d of its members having led (%s);"
                    + " this node's first leaderships may run cold", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), leaders, e);
        } finally {
            // Together: each waits for its gRPC channels to drain.
            CompletableFuture.allOf(members.stream().map(m -> CompletableFuture.runAsync(() -> close(m))).toArray(CompletableFuture[]::new)).join();
        }
        return leaders;
    }

    private static void close(Member m) {
        try {
            m.server().close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("replication: closing a scratch Raft server: %s", e);
        }
    }

    /**
     * Commits {@link #ENTRIES_PER_LEADER} entries through {@code leader}, {@link #IN_FLIGHT} at a time,
     * as a group's commits are submitted; the first once the leader takes it.
     */
    private void commit(Member leader, RaftGroupId group, long deadline) throws Exception {
        Message payload = Message.valueOf(ByteString.copyFrom(new byte[ENTRY_BYTES]));
        RaftClientReply first;
        while (!(first = await(submit(leader, group, payload), deadline)).isSuccess() && first.getException() instanceof LeaderNotReadyException) {
            Thread.sleep(NOT_READY_PAUSE);
        }
        if (!first.isSuccess()) {
            throw new IOException("a scratch entry was not committed: " + first.getException());
        }
        for (int sent = 1; sent < ENTRIES_PER_LEADER; sent += IN_FLIGHT) {
            List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>(IN_FLIGHT);
            for (int i = 0; i < IN_FLIGHT; i++) {
                replies.add(submit(leader, group, payload));
            }
            for (CompletableFuture<RaftClientReply> reply : replies) {
                RaftClientReply r = await(reply, deadline);
                if (!r.isSuccess()) {
                    throw new IOException("a scratch entry was not committed: " + r.getException());
                }
            }
        }
    }

    private CompletableFuture<RaftClientReply> submit(Member leader, RaftGroupId group, Message payload) throws IOException {
        return leader.server().submitClientRequestAsync(RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(leader.server().getId())
                .setGroupId(group)
                .setCallId(calls.incrementAndGet())
                .setMessage(payload)
                .setType(RaftClientRequest.writeRequestType())
                .build());
    }

    private static <T> T await(CompletableFuture<T> stage, long deadline) throws Exception {
        return stage.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
