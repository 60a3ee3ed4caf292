package dev.cairn.service;

import dev.cairn.alarms.AlarmMeters;
import dev.cairn.replication.RaftHost;
import dev.cairn.inventory.NamespaceTotals;
import dev.cairn.runtime.Node;
import dev.cairn.runtime.NodeMeters.OutsideEnd;
import dev.cairn.runtime.NodeMeters;
import dev.cairn.sockets.SocketMeters;

import dev.cairn.api.AbortedException;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter Cairn publishes ({@code /q/metrics}, Prometheus names in the README). All meters are
 * registered up front (one set per declared namespace, a bounded set of tags), so the hot paths only
 * increment a counter they already hold: no lookup by name, no reflection.
 *
 * <p>To add a meter: a field, its registration in the
 * constructor (or a {@code bind…} method for a gauge over some component), one method the component
 * calls, and a line in the metrics list of docs/operations.md.
 *
 * <p>A node built with {@code new} in a unit test may use {@link #standalone} (a private
 * {@link SimpleMeterRegistry}), so the meters work (and can be read) without Quarkus.
 */
final class CairnMetrics implements NodeMeters {
    /** How a call ended, as counted by {@code cairn_calls_total{outcome}}. */
    enum Outcome {
        OK("ok"),
        /** Object code threw (its writes rolled back), including writes refused by a storage limit. */
        OBJECT_ERROR("object_error"),
        /** Object code aborted the event ({@code ctx.abort}): its writes rolled back, its instance reset. */
        ABORTED("aborted"),
        /** An event ran past its time limit (its caller's, or one committed with its call): rolled back, instance reset. */
        EVENT_TIMEOUT("event_timeout"),
        /** Object code refused the call with a {@link Refusal} (an answer, not an error; its writes rolled back). */
        REFUSED("refused"),
        /** Refused without running: mailbox full or queued past the deadline. */
        OVERLOADED("overloaded"),
        /** Refused without running: the node is stopping. */
        SHUTTING_DOWN("shutting_down"),
        /** The batch's commit failed (disk error): nothing saved. */
        STORAGE_ERROR("storage_error"),
        OTHER("other");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        static Outcome of(Throwable failure) {
            Throwable t = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            return switch (t) {
                case null -> OK;
                case OverloadedException o -> o.shuttingDown() ? SHUTTING_DOWN : OVERLOADED;
                case ObjectException o -> OBJECT_ERROR;
                case AbortedException a -> ABORTED;
                case EventTimeoutException timedOut -> EVENT_TIMEOUT;
                case Refusal r -> REFUSED;
                case StorageException s -> STORAGE_ERROR;
                default -> OTHER;
            };
        }
    }

    /** The meters of one namespace. */
    static final class NamespaceMeters implements dev.cairn.runtime.NodeMeters.NamespaceMeters {
        private final Counter[] calls;
        private final Counter mailboxFull;
        private final Counter queueDeadline;
        private final Timer commit;
        private final DistributionSummary commitCalls;
        /** Kept here, not counted from the socket registry when scraped: scraping then takes no lock. */
        private final AtomicLong openSockets = new AtomicLong();
        private final Counter[] outsideEnded;
        private final Counter outsideOverdue;

        private NamespaceMeters(MeterRegistry registry, String namespace) {
            Outcome[] outcomes = Outcome.values();
            calls = new Counter[outcomes.length];
            for (Outcome o : outcomes) {
                calls[o.ordinal()] = Counter.builder("cairn.calls")
                        .description("Calls to objects, by namespace and how they ended")
                        .tag("namespace", namespace).tag("outcome", o.tag).register(registry);
            }
            mailboxFull = overload(registry, namespace, "mailbox_full");
            queueDeadline = overload(registry, namespace, "queue_deadline");
            commit = Timer.builder("cairn.commit")
                    .description("Commit of one batch of calls of one object, fsync included (durability full)")
                    .tag("namespace", namespace)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
            commitCalls = DistributionSummary.builder("cairn.commit.calls")
                    .description("Calls sharing one commit (group commit)")
                    .tag("namespace", namespace)
                    .register(registry);
            OutsideEnd[] ends = OutsideEnd.values();
            outsideEnded = new Counter[ends.length];
            for (OutsideEnd e : ends) {
                outsideEnded[e.ordinal()] = Counter.builder("cairn.outside.work")
                        .description("Work objects ran outside their events (ctx.outside, ctx.waitUntil), by how it ended")
                        .tag("namespace", namespace).tag("outcome", e.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
            }
            outsideOverdue = Counter.builder("cairn.outside.work.overdue")
                    .description("Work outside events interrupted past cairn.objects.outside-work-limit")
                    .tag("namespace", namespace).register(registry);
            Gauge.builder("cairn.sockets.open", openSockets, AtomicLong::get)
                    .description("WebSockets open to this namespace's objects (hibernated objects' included)")
                    .tag("namespace", namespace).strongReference(true).register(registry);
        }

        /** One batch of this namespace's object committed (and fsynced, with durability full) in {@code nanos}. */
        @Override
        public void committed(long nanos, int calls) {
            commit.record(nanos, TimeUnit.NANOSECONDS);
            commitCalls.record(calls);
        }

        private static Counter overload(MeterRegistry registry, String namespace, String reason) {
            return Counter.builder("cairn.overloads")
                    .description("Calls refused without running because an object was overloaded")
                    .tag("namespace", namespace).tag("reason", reason).register(registry);
        }

        /** A call's reply completed; {@code failure} is null on success. */
        @Override
        public void completed(Throwable failure) {
            calls[Outcome.of(failure).ordinal()].increment();
        }

        double calls(Outcome outcome) {
            return calls[outcome.ordinal()].count();
        }

        @Override
        public void outsideEnded(OutsideEnd end) {
            outsideEnded[end.ordinal()].increment();
        }

        @Override
        public void outsideOverdue() {
            outsideOverdue.increment();
        }

        @Override
        public void mailboxFull() {
            mailboxFull.increment();
        }

        @Override
        public void queueDeadlinePassed() {
            queueDeadline.increment();
        }

        void socketOpened() {
            openSockets.incrementAndGet();
        }

        void socketClosed() {
            openSockets.decrementAndGet();
        }
    }

    private final MeterRegistry registry;
    private final Map<String, NamespaceMeters> namespaces;
    private final Counter alarmsSucceeded;
    private final Counter alarmsRetried;
    private final Counter alarmsDropped;
    private final Timer alarmLag;

    CairnMetrics(MeterRegistry registry, Collection<String> namespaceNames) {
        this.registry = registry;
        Map<String, NamespaceMeters> byName = new HashMap<>();
        for (String ns : namespaceNames) {
            byName.put(ns, new NamespaceMeters(registry, ns));
        }
        this.namespaces = Map.copyOf(byName);
        this.alarmsSucceeded = alarms(registry, "succeeded", "Alarm handlers that returned (their alarm is done)");
        this.alarmsRetried = alarms(registry, "retried", "Alarm handlers that failed and were scheduled for a retry");
        this.alarmsDropped = alarms(registry, "dropped", "Alarms dropped after their last retry failed");
        this.alarmLag = Timer.builder("cairn.alarms.lag")
                .description("From an alarm's scheduled time (or retry time) to its handler starting")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private static Counter alarms(MeterRegistry registry, String outcome, String description) {
        return Counter.builder("cairn.alarms").description(description).tag("outcome", outcome).register(registry);
    }

    void alarmSucceeded() {
        alarmsSucceeded.increment();
    }

    void alarmRetried() {
        alarmsRetried.increment();
    }

    void alarmDropped() {
        alarmsDropped.increment();
    }

    /** A handler starts {@code millis} after the time it was due. */
    void alarmStarted(long lateMillis) {
        alarmLag.record(Math.max(0, lateMillis), TimeUnit.MILLISECONDS);
    }

    double alarms(String outcome) {
        return switch (outcome) {
            case "succeeded" -> alarmsSucceeded.count();
            case "retried" -> alarmsRetried.count();
            case "dropped" -> alarmsDropped.count();
            default -> throw new IllegalArgumentException(outcome);
        };
    }

    /** For a node built with {@code new} (unit tests): meters in a private registry. */
    static CairnMetrics standalone(Collection<String> namespaceNames) {
        return new CairnMetrics(new SimpleMeterRegistry(), namespaceNames);
    }

    /** Gauges over the node's active objects, computed when scraped. */
    void bind(Node node) {
        Gauge.builder("cairn.objects.active", node, Node::activeCount)
                .description("Objects active on this node (instance in memory, database open)")
                .strongReference(true).register(registry);
        Gauge.builder("cairn.mailbox.queued", node, Node::queuedEvents)
                .description("Calls waiting in the mailboxes of all active objects")
                .strongReference(true).register(registry);
        Gauge.builder("cairn.mailbox.queued.max", node, Node::deepestMailbox)
                .description("Calls waiting in the fullest mailbox")
                .strongReference(true).register(registry);
        Gauge.builder("cairn.outside.work.running", node, Node::outsideWorkRunning)
                .description("Work active objects run outside their events (ctx.outside, ctx.waitUntil); it keeps them active")
                .strongReference(true).register(registry);
        for (String namespace : node.declared().keySet()) {
            Gauge.builder("cairn.objects.stored", node, n -> stored(n, namespace).objects())
                    .description("Object databases of the namespace on this node (from the inventory, as of its last flush)")
                    .tag("namespace", namespace).strongReference(true).register(registry);
            Gauge.builder("cairn.storage.bytes", node, n -> stored(n, namespace).bytes())
                    .description("Bytes of the namespace's object databases on this node (pages in use at each object's last write)")
                    .tag("namespace", namespace).baseUnit("bytes").strongReference(true).register(registry);
        }
    }

    private static NamespaceTotals stored(Node node, String namespace) {
        return node.inventory().totals().getOrDefault(namespace, NamespaceTotals.NONE);
    }

    /** Counters over what this node replicated as a group leader, computed when scraped. */
    void bind(RaftHost raft) {
        FunctionCounter.builder("cairn.replication.entries", raft, RaftHost::shippedEntries)
                .description("Commits this node shipped to its groups while leading them (several may share one Raft entry)")
                .register(registry);
        FunctionCounter.builder("cairn.replication.log.entries", raft, RaftHost::appendedEntries)
                .description("Raft entries this node appended while leading their group: commits that came together share one,"
                        + " and a read-only batch's confirmation rides along or goes alone")
                .register(registry);
        FunctionCounter.builder("cairn.replication.bytes", raft, RaftHost::shippedBytes)
                .description("Bytes of the Raft entries this node shipped (WAL bytes and their header)")
                .baseUnit("bytes").register(registry);
        FunctionCounter.builder("cairn.replication.withdrawn", raft, RaftHost::withdrawnEntries)
                .description("Shipped entries whose replication failed (leadership lost): their commits were rolled back here")
                .register(registry);
        FunctionCounter.builder("cairn.replication.snapshots", raft, RaftHost::snapshotsBuilt)
                .description("Snapshots this node's Raft groups built (each from the previous one and the entries since)")
                .register(registry);
        FunctionCounter.builder("cairn.replication.snapshot.build.time", raft, RaftHost::snapshotBuildSeconds)
                .description("Time spent building those snapshots, in the background")
                .baseUnit("seconds").register(registry);
        FunctionCounter.builder("cairn.replication.snapshot.installs", raft, RaftHost::snapshotsInstalled)
                .description("Snapshots installed from a group's leader: this node was behind the start of its log")
                .register(registry);
        for (int g : raft.groupsHere()) {
            Gauge.builder("cairn.replication.snapshot.index", raft, r -> r.snapshotIndex(g))
                    .description("Log index of the group's newest snapshot on this node (-1: none)")
                    .tag("group", String.valueOf(g)).strongReference(true).register(registry);
            Gauge.builder("cairn.replication.log.start.index", raft, r -> r.logStartIndex(g))
                    .description("First index of the group's Raft log on this node: entries before it were purged")
                    .tag("group", String.valueOf(g)).strongReference(true).register(registry);
            Gauge.builder("cairn.replication.apply.backlog", raft, r -> r.applyBacklog(g))
                    .description("Entries of the group committed that this node has not applied yet (over 256: not ready)")
                    .tag("group", String.valueOf(g)).strongReference(true).register(registry);
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    @Override
    public AlarmMeters alarms() {
        return new AlarmMeters() {
            @Override
            public void started(long lateMillis) {
                alarmStarted(lateMillis);
            }

            @Override
            public void succeeded() {
                alarmSucceeded();
            }

            @Override
            public void retried() {
                alarmRetried();
            }

            @Override
            public void dropped() {
                alarmDropped();
            }
        };
    }

    @Override
    public SocketMeters sockets() {
        return new SocketMeters() {
            @Override
            public void opened(String namespace) {
                namespace(namespace).socketOpened();
            }

            @Override
            public void closed(String namespace) {
                namespace(namespace).socketClosed();
            }
        };
    }

    /** The meters of a declared namespace. */
    @Override
    public NamespaceMeters namespace(String name) {
        NamespaceMeters m = namespaces.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no meters for undeclared namespace '" + name + "'");
        }
        return m;
    }
}
