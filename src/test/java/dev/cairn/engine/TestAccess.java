package dev.cairn.engine;

import io.quarkus.arc.Arc;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reaches the running engine, and the engine's own rules, from tests outside this package. */
public final class TestAccess {
    private TestAccess() {}

    static Engine engine() {
        return Arc.container().instance(Engine.class).get();
    }

    public static String idFromName(String namespace, String name) {
        return engine().get(namespace).idFromName(name).toString();
    }

    /**
     * Fires every alarm due by the node's clock now and returns once they (and any alarm event already
     * in flight) have run and their outcome is recorded: tests move the clock, then call this instead
     * of waiting for the timer.
     */
    public static void fireDueAlarms() {
        try {
            engine().alarms().fireDue().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("firing the due alarms failed", e);
        }
    }

    /**
     * Hibernates every idle object: moves the clock past the idle timeout and runs a housekeeping pass,
     * then waits until the evicted objects have stopped (database closed, instance dropped). Returns
     * how many were evicted.
     */
    public static int evictIdle(dev.cairn.ManualClock clock) {
        passIdleTimeout(clock);
        var evicted = engine().sweep();
        evicted.forEach(java.util.concurrent.CompletableFuture::join);
        return evicted.size();
    }

    /** Moves the clock past the idle timeout: every object idle now is due for eviction at the next pass. */
    public static void passIdleTimeout(dev.cairn.ManualClock clock) {
        clock.advance(engine().settings().idleTimeout().plusSeconds(1));
    }

    /**
     * One housekeeping pass now, without moving the clock and without waiting for the objects it evicts
     * to stop (their databases still close while the caller goes on). Returns how many it evicted.
     */
    public static int sweep() {
        return engine().sweep().size();
    }

    /** Whether the object has a live instance (not hibernated). */
    public static boolean isActive(String namespace, String name) {
        return engine().catalog().isActive(engine().get(namespace).idFromName(name));
    }

    /**
     * The bytes sent to the object's one socket tagged {@code tag} and not yet taken by the network,
     * read on demand; the supplier keeps following that socket after it closes.
     */
    public static java.util.function.LongSupplier unsentBytes(String namespace, String name, String tag) {
        var set = engine().sockets().existing(engine().get(namespace).idFromName(name));
        var tagged = set == null ? java.util.List.<SocketEntry>of() : set.withTag(tag);
        if (tagged.size() != 1) {
            throw new AssertionError("expected one open socket tagged " + tag + " in " + namespace + "/" + name + ", found " + tagged.size());
        }
        return tagged.getFirst()::pendingOutBytes;
    }

    /** Open sockets of one object, as the engine's registry lists them. */
    public static int openSockets(String namespace, String name) {
        var set = engine().sockets().existing(engine().get(namespace).idFromName(name));
        return set == null ? 0 : set.size();
    }

    /** The largest {@code cairn.objects.max-active} that fits in {@code openFiles} open files, as the engine caps it. */
    public static long maxActiveFor(long openFiles) {
        return EngineProducer.maxActiveFor(openFiles);
    }
}
