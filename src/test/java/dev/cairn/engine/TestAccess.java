package dev.cairn.engine;

import io.quarkus.arc.Arc;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reaches the running engine from tests outside this package. */
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
}
