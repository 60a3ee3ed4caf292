package dev.cairn.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectCall;
import dev.cairn.runtime.Node;
import dev.cairn.runtime.Placement;
import dev.cairn.runtime.RemoteCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteDataSource;

/**
 * Runs the object path once on scratch data before a cluster member says it is ready: a node of its
 * own over a temporary directory (single-node placement and commit log, meters nobody reads) activates
 * {@value #OBJECTS} {@link WarmUpObject}s, calls each {@value #CALLS_PER_OBJECT} times (SQL and
 * key-value writes, each call committed), then evicts them and stops.
 *
 * <p>Why: a member back from a restart runs no object until a group's leadership comes back to it, and
 * its first calls as that leader ran activation, SQL and commit code for the first time in the process:
 * about 0.5 s for the first call of a group handed to it, where a member that had run objects before
 * answered in milliseconds (docs/cluster.md). Stateless; {@link #run} on the caller's thread.
 */
final class ObjectWarmUp {
    private static final Logger LOG = Logger.getLogger(ObjectWarmUp.class);
    static final int OBJECTS = 16;
    static final int CALLS_PER_OBJECT = 32;
    private static final String NAMESPACE = "warm-up";
    private static final ObjectCall<WarmUpObject, Long> BUMP = WarmUpObject::bump;
    private static final ObjectCall<WarmUpObject, Long> LAST = WarmUpObject::last;

    private ObjectWarmUp() {}

    /**
     * Warms up with {@code scratch} (an empty directory, which the caller removes) as the scratch node's
     * data directory, giving up after {@code limit}; a failure is logged (the first calls here then run
     * cold) and never thrown. Returns the calls answered as expected.
     */
    static int run(ObjectMapper json, InstantSource clock, RandomGenerator random, Duration limit, Path scratch) {
        int answered = 0;
        long started = System.nanoTime();
        Node node = null;
        try {
            var config = ConfiguredSettings.mapping(Map.of("cairn.data-dir", scratch.toString(),
                    "cairn.namespaces." + NAMESPACE + ".class", WarmUpObject.class.getName()));
            var declarations = ConfiguredSettings.declarations(config);
            var alarmIndex = new SQLiteDataSource();
            alarmIndex.setUrl("jdbc:sqlite:" + scratch.resolve("alarm-index.sqlite"));
            node = new Node(ConfiguredSettings.from(config), declarations, clock, random, json, alarmIndex,
                    CairnMetrics.standalone(List.of(NAMESPACE)), Placement.SINGLE_NODE, RemoteCalls.NONE, Optional.empty());
            Namespace<WarmUpObject> objects = node.of(WarmUpObject.class);
            List<CompletableFuture<Long>> last = new ArrayList<>();
            for (int o = 0; o < OBJECTS; o++) {
                var stub = objects.getByName("warm-up-" + o);
                CompletableFuture<Long> calls = CompletableFuture.completedFuture(0L);
                for (int c = 0; c < CALLS_PER_OBJECT; c++) {
                    calls = calls.thenCompose(v -> stub.send(BUMP).toCompletableFuture());
                }
                last.add(calls.thenCompose(v -> stub.send(LAST).toCompletableFuture()));
            }
            long deadline = started + limit.toNanos();
            for (CompletableFuture<Long> l : last) {
                long value = l.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (value != CALLS_PER_OBJECT) {
                    throw new IllegalStateException("a warm-up object read " + value + " after " + CALLS_PER_OBJECT + " calls");
                }
                answered += CALLS_PER_OBJECT + 1;
            }
            node.evictAllIdle().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            LOG.infof("warm-up: ran %d calls on %d scratch objects in %d ms", OBJECTS * (CALLS_PER_OBJECT + 1), OBJECTS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (Exception e) {
            LOG.warnf("warm-up: running scratch objects failed after %d ms (%s); this node's first object calls run cold",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), e);
        } finally {
            if (node != null) {
                node.shutdown();
            }
        }
        return answered;
    }
}
