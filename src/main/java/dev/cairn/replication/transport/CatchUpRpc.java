package dev.cairn.replication.transport;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/**
 * Ratis's gRPC transport with {@link CatchUpAppender} as every leader's log appender: set it with
 * {@code RaftConfigKeys.Rpc.setType(properties, new CatchUpRpc())}. Ratis finds its transport by the
 * name in its properties, a class it instantiates (hence public), so this type's name is its class's;
 * the cluster runs on the JVM only (README: Cluster), where that works. Stateless.
 */
public final class CatchUpRpc implements RpcType {
    public CatchUpRpc() {}

    @Override
    public String name() {
        return CatchUpRpc.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** gRPC as Ratis builds it, but for the log appender. */
    private static final class Factory extends GrpcFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new CatchUpAppender(server, state, follower, System::nanoTime);
        }
    }
}
