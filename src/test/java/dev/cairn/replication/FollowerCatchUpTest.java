package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that lost its copy of a group (its storage deleted, the group added back empty) catches
 * up from an idle leader, which has nothing new to send: three Raft servers in this process, with
 * Cairn's Ratis properties ({@code replication.transport.CatchUpAppender}). With Ratis's own appender the leader's heartbeats keep asking it to hold
 * the entry it lost, and it applies nothing (RATIS-2523; checked by hand with the transport set back
 * to {@code GRPC}).
 */
class FollowerCatchUpTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final int ENTRIES = 50;
    /** Well below the 30 s after which the leader's balancer would hand a stuck group on. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path temporary;

    private final ClientId client = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();
    private final List<Member> members = new ArrayList<>();

    /** Applies nothing but the index it reached, and says when it reaches one awaited. */
    private static final class Machine extends BaseStateMachine {
        private final CompletableFuture<Void> leading = new CompletableFuture<>();
        private volatile long awaited = Long.MAX_VALUE;
        private final CompletableFuture<Long> reached = new CompletableFuture<>();

        @Override
        public void notifyLeaderReady() {
            leading.complete(null);
        }

        @Override
        protected boolean updateLastAppliedTermIndex(TermIndex applied) {
            boolean updated = super.updateLastAppliedTermIndex(applied);
            if (applied.getIndex() >= awaited) {
                reached.complete(applied.getIndex());
            }
            return updated;
        }

        CompletableFuture<Long> applied(long index) {
            awaited = index;
            TermIndex last = getLastAppliedTermIndex();
            if (last != null && last.getIndex() >= index) {
                reached.complete(last.getIndex());
            }
            return reached;
        }
    }

    /** A server and the state machine of its copy of the group (a new one each time the group is added). */
    private static final class Member {
        final RaftServer server;
        volatile Machine machine;

        Member(RaftServer server) {
            this.server = server;
        }
    }

    @AfterEach
    void stop() {
        CompletableFuture.allOf(members.stream().map(m -> CompletableFuture.runAsync(() -> {
            try {
                m.server.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })).toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void aFollowerThatLostItsCopyOfTheGroupCatchesUpFromAnIdleLeader() throws Exception {
        RaftGroup group = startGroup();
        Member leader = await(CompletableFuture.anyOf(members.stream().map(m -> m.machine.leading).toArray(CompletableFuture[]::new))
                .thenApply(x -> members.stream().filter(m -> m.machine.leading.isDone()).findFirst().orElseThrow()), START);
        commit(leader, group.getGroupId());
        long last = leader.server.getDivision(group.getGroupId()).getInfo().getLastAppliedIndex();
        Member follower = members.stream().filter(m -> m != leader).findFirst().orElseThrow();
        await(follower.machine.applied(last), CATCH_UP);

        // Its copy gone, storage and all, then the group added back empty: the leader's record says it holds `last`.
        assertSuccess(follower.server.groupManagement(GroupManagementRequest.newRemove(client, follower.server.getId(),
                calls.incrementAndGet(), group.getGroupId(), true, false)));
        assertSuccess(follower.server.groupManagement(GroupManagementRequest.newAdd(client, follower.server.getId(),
                calls.incrementAndGet(), group, true)));

        long reached = await(follower.machine.applied(last), CATCH_UP);

        assertTrue(reached >= last, "the follower applied every entry again: " + reached + " of " + last);
        assertTrue(leader.machine.leading.isDone() && leader.server.getDivision(group.getGroupId()).getInfo().isLeader(),
                "the leader kept the group throughout");
    }

    /** Three servers on ports of loopback's choosing, each with the group added. */
    private RaftGroup startGroup() throws IOException {
        RaftSettings settings = new RaftSettings(temporary.resolve("data"), 1000, Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(5), Duration.ofMinutes(2), 1 << 20, 5000, 2, 8 << 20);
        for (int i = 1; i <= 3; i++) {
            RaftPeerId id = RaftPeerId.valueOf("m" + i);
            RaftProperties properties = RatisTuning.properties(settings, Files.createDirectories(temporary.resolve(id.toString())), 0);
            GrpcConfigKeys.Server.setHost(properties, LOOPBACK);
            // Short timeouts only spare the first election its wait; what is tested does not depend on them.
            RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
            Member[] self = new Member[1];
            RaftServer server = RaftServer.newBuilder()
                    .setServerId(id)
                    .setProperties(properties)
                    .setStateMachineRegistry(groupId -> {
                        Machine machine = new Machine();
                        self[0].machine = machine;
                        return machine;
                    })
                    .setOption(RaftStorage.StartupOption.FORMAT)
                    .build();
            self[0] = new Member(server);
            members.add(self[0]);
            server.start();
        }
        RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), members.stream()
                .map(m -> RaftPeer.newBuilder().setId(m.server.getId())
                        .setAddress(LOOPBACK + ":" + m.server.getServerRpc().getInetSocketAddress().getPort()).build())
                .toList());
        for (Member m : members) {
            assertSuccess(m.server.groupManagement(GroupManagementRequest.newAdd(client, m.server.getId(), calls.incrementAndGet(), group, true)));
        }
        return group;
    }

    /** Commits {@link #ENTRIES} entries through {@code leader}, one after the other. */
    private void commit(Member leader, RaftGroupId group) throws Exception {
        Message payload = Message.valueOf(ByteString.copyFrom(new byte[256]));
        for (int i = 0; i < ENTRIES; i++) {
            RaftClientReply reply = await(leader.server.submitClientRequestAsync(RaftClientRequest.newBuilder()
                    .setClientId(client)
                    .setServerId(leader.server.getId())
                    .setGroupId(group)
                    .setCallId(calls.incrementAndGet())
                    .setMessage(payload)
                    .setType(RaftClientRequest.writeRequestType())
                    .build()), START);
            if (!reply.isSuccess() && reply.getException() instanceof LeaderNotReadyException) {
                i--; // a leader that just said it is ready may refuse entries for a moment: the same entry again
                continue;
            }
            assertSuccess(reply);
        }
    }

    private static void assertSuccess(RaftClientReply reply) {
        assertTrue(reply.isSuccess(), () -> String.valueOf(reply.getException()));
    }

    private static <T> T await(CompletableFuture<T> stage, Duration limit) throws Exception {
        return stage.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }
}
