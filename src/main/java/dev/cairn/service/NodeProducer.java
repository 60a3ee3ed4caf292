package dev.cairn.service;

import dev.cairn.api.Alarms;
import dev.cairn.api.ObjectId;
import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.MemberReadiness;
import dev.cairn.cluster.OwnStorage;
import dev.cairn.namespaces.NamespaceDeclarations;
import dev.cairn.replication.RaftHost;
import dev.cairn.storage.AlarmChange;
import dev.cairn.runtime.Node;
import dev.cairn.runtime.Placement;
import dev.cairn.runtime.RemoteCalls;
import dev.cairn.runtime.Settings;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.DefaultBean;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Wires the node into Quarkus: builds it from the configuration at start-up (so a bad
 * declaration stops the service with a message naming its key) and shuts it down gracefully.
 */
@Singleton
final class NodeProducer {
    private static final Logger LOG = Logger.getLogger(NodeProducer.class);

    /** The process's lock on its data directory: every bean that reads the directory takes it as a parameter, so it comes first. */
    @Produces
    @Singleton
    DataDirLock dataDirLock(CairnConfig config) {
        return DataDirLock.forService(DataDirLock.usableDataDir(config.dataDir()), ProcessHandle.current().pid());
    }

    @Produces
    @Singleton
    Node node(CairnConfig config, InstantSource clock, RandomGenerator random, ObjectMapper json, MeterRegistry meters,
            @DataSource("alarm-index") AgroalDataSource alarmIndex, Placement placement, RemoteCalls remoteCalls,
            Replication replication, DataDirLock locked, MemberReadiness readiness, OwnStorage ownStorage) {
        var declared = ConfiguredSettings.declarations(config);
        var declarations = declared.live();
        Settings settings = ConfiguredSettings.from(config, withinFileLimit(config.objects().maxActive()));
        DataDirLock.usableDataDir(settings.dataDir());
        LOG.infof("Cairn: %d namespaces (%s), data in %s", declarations.size(),
                declarations.stream().map(NamespaceDeclarations.Declaration::name).collect(Collectors.joining(", ")),
                settings.dataDir().toAbsolutePath());
        var metrics = new CairnMetrics(meters, declarations.stream().map(NamespaceDeclarations.Declaration::name).toList());
        Node node = new Node(settings, declared, clock, random, json, alarmIndex, metrics, placement, remoteCalls,
                switch (replication) {
                    case Replication.None none -> Optional.empty();
                    case Replication.Raft raft -> Optional.of(raft.host().sink());
                });
        metrics.bind(node);
        if (replication instanceof Replication.Raft raft) {
            metrics.bind(raft.host());
            raft.host().start(new RaftHost.GroupObjects() {
                @Override
                public CompletableFuture<Void> stop(Predicate<ObjectId> moved) {
                    return node.evictMoved(moved);
                }

                @Override
                public void serving(int group, Predicate<ObjectId> objects) {
                    node.alarms().groups().takeOver(group, objects, () -> node.storedIds(objects));
                }

                @Override
                public void alarmChanged(String file, AlarmChange change) {
                    node.alarmReplicated(file, change);
                }

                @Override
                public void alarmsUnknown(int group) {
                    node.alarms().groups().unknown(group);
                }

                @Override
                public void alarmsFromLogStart(int group) {
                    node.alarms().groups().fromLogStart(group);
                }

                @Override
                public void alarmsFlushed() {
                    node.alarms().groups().flushed();
                }

                @Override
                public void warmUp(Path scratch, Duration limit) {
                    ObjectWarmUp.run(json, clock, random, limit, scratch);
                }
            }, readiness, ownStorage);
        }
        return node;
    }

    /**
     * Open files per active object: the database, its WAL and its shared-memory index (SQLite's), and
     * Cairn's own handle on the WAL (read for the commit log; the index is mapped, its file closed, see
     * the storage package's WalShipper).
     */
    static final int FILES_PER_OBJECT = 4;
    /** Descriptors kept for sockets, connections (HTTP clients, webhooks), jars and logs. */
    static final int FILES_RESERVED = 2048;

    /**
     * Caps {@code max-active} so active objects cannot exhaust the process's open-file limit (each
     * holds {@value #FILES_PER_OBJECT}, and objects still closing may add 10 %, see
     * {@link Node#hardLimit}); past it SQLite could not open a database and calls would fail.
     */
    static int withinFileLimit(int maxActive) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) {
            return maxActive;
        }
        long fits = maxActiveFor(os.getMaxFileDescriptorCount());
        if (fits >= maxActive) {
            return maxActive;
        }
        int capped = (int) Math.max(16, fits);
        LOG.warnf("cairn.objects.max-active=%d needs %d open files but the limit is %d (ulimit -n):"
                + " keeping at most %d objects active; raise the limit to allow more", maxActive,
                (long) Node.hardLimit(maxActive) * FILES_PER_OBJECT + FILES_RESERVED,
                os.getMaxFileDescriptorCount(), capped);
        return capped;
    }

    /** The largest {@code max-active} whose objects, closing ones included, fit in {@code openFiles}. */
    static long maxActiveFor(long openFiles) {
        return (openFiles - FILES_RESERVED) / FILES_PER_OBJECT * 10 / 11;
    }

    /** The node's alarms, for tests and tools. */
    @Produces
    @Singleton
    Alarms alarms(Node node) {
        return node.alarms();
    }

    /** Where objects live: all here on a single node, by shard in a cluster. */
    @Produces
    @Singleton
    Placement placement(Cluster cluster) {
        return cluster.placement();
    }

    @Produces
    @DefaultBean
    @Singleton
    InstantSource clock() {
        return InstantSource.system();
    }

    @Produces
    @DefaultBean
    @Singleton
    RandomGenerator random() {
        return new SecureRandom();
    }

    /** Refuses new calls as soon as a stop signal arrives (after Quarkus's shutdown delay, if set). */
    private Thread signalHook;

    /**
     * Builds (and so validates) the node at start-up rather than on the first request, and hooks
     * the stop signal. Quarkus handles SIGTERM by letting the HTTP requests in flight finish, and only
     * then fires {@link ShutdownEvent}; meanwhile it still serves new requests, and once they are done
     * it closes their connections. So the node does not wait for that event to stop taking new
     * calls: from the signal on (plus {@code quarkus.shutdown.delay}, during which readiness is DOWN
     * and everything is served), new calls get an immediate {@code 503 shutting_down} and queued ones
     * finish, which is what the requests in flight wait for.
     */
    void start(@Observes StartupEvent event, Node node, Replication replication) {
        Duration delay = shutdownDelay();
        signalHook = Thread.ofPlatform().name("cairn-stop-signal").unstarted(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (replication instanceof Replication.Raft raft) {
                // A planned move: the groups' new leaders serve while this node finishes what it has.
                LOG.info("shutdown: stop signal; moving the leadership of this node's groups to other members");
                raft.host().transferLeadershipAway();
            }
            int finishing = node.beginShutdown();
            LOG.infof("shutdown: refusing new calls; %d active objects finish their queued calls", finishing);
        });
        try {
            Runtime.getRuntime().addShutdownHook(signalHook);
        } catch (IllegalStateException signalledDuringStartUp) {
            signalHook = null; // already stopping: ShutdownEvent follows and shuts the node down
        }
        LOG.debugf("node ready: %d objects active", node.activeCount());
    }

    /** After the HTTP requests in flight: waits for (or refuses) what is still queued and closes every database. */
    void stop(@Observes ShutdownEvent event, Node node, Replication replication, DataDirLock lock, CairnConfig config) {
        try {
            if (signalHook != null) {
                Runtime.getRuntime().removeShutdownHook(signalHook);
            }
        } catch (IllegalStateException signalled) {
            // The JVM is stopping (SIGTERM): the hook runs or ran; shutdown() below is idempotent with it. Quarkus
            // fires this event on a hook of its own, as soon as the requests in flight are done: closing the objects
            // and the Raft server before the hook's hand-over ends cut its moves off (their groups then waited for an
            // election, 2-7 s in rolling restarts).
            awaitHandOver(shutdownDelay().plus(config.cluster().transferTimeout()).plus(HAND_OVER_MARGIN));
        }
        try {
            node.shutdown();
            if (replication instanceof Replication.Raft raft) {
                raft.host().close(); // after the objects' last commits, which it replicates
            }
        } finally {
            lock.close(); // last: nothing of this process touches the directory any more
        }
    }

    /** Beyond the transfer timeout, what the stop hook may take to hand its groups over (it waits that plus 1 s). */
    private static final Duration HAND_OVER_MARGIN = Duration.ofSeconds(2);

    private void awaitHandOver(Duration limit) {
        Thread hook = signalHook;
        if (hook == null) {
            return;
        }
        try {
            if (!hook.join(limit)) {
                LOG.warnf("shutdown: the hand-over of this node's groups did not end within %s; stopping anyway", limit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Quarkus's pre-shutdown delay, when enabled ({@code quarkus.shutdown.delay-enabled} at build time). */
    private static Duration shutdownDelay() {
        var config = ConfigProvider.getConfig();
        boolean enabled = config.getOptionalValue("quarkus.shutdown.delay-enabled", Boolean.class).orElse(false);
        return enabled ? config.getOptionalValue("quarkus.shutdown.delay", Duration.class).orElse(Duration.ZERO) : Duration.ZERO;
    }
}
