package dev.cairn.websocket;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper;
import io.vertx.core.http.HttpServerRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jboss.logging.Logger;

/**
 * Works around an accounting gap between Quarkus' graceful shutdown and WebSocket upgrades.
 *
 * <p>With {@code quarkus.shutdown.timeout} set, Quarkus counts every HTTP request until its response
 * ends or its connection closes, and shutdown waits for the count to reach zero. An upgraded request
 * never gets either signal (Vert.x completes the 101 outside the response it tracks), so every socket
 * ever opened would make each shutdown wait the full timeout. Cairn closes its sockets itself on
 * shutdown (1012), so an upgraded request is finished as an HTTP request once the socket is open:
 * {@link #finished} tells Quarkus so by running the wrapper's package-private {@code done()}. The
 * method is looked up once; if a Quarkus version lacks it, this logs once and does nothing (shutdown
 * then only waits longer). Thread-safe.
 */
@RegisterForReflection(targets = QuarkusRequestWrapper.class, methods = true, fields = false)
final class UpgradedRequests {
    private static final Logger LOG = Logger.getLogger(UpgradedRequests.class);
    private static final MethodHandle DONE = lookup();

    private UpgradedRequests() {}

    private static MethodHandle lookup() {
        try {
            var lookup = MethodHandles.privateLookupIn(QuarkusRequestWrapper.class, MethodHandles.lookup());
            return lookup.findVirtual(QuarkusRequestWrapper.class, "done", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.infof("graceful shutdown will wait for WebSocket upgrades (cannot reach QuarkusRequestWrapper.done: %s)", e);
            return null;
        }
    }

    /** The Quarkus wrapper of {@code request}, or null when there is none (no graceful shutdown configured). */
    static QuarkusRequestWrapper wrapperOf(HttpServerRequest request) {
        try {
            return QuarkusRequestWrapper.get(request);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The upgrade completed: the HTTP request is over as far as graceful shutdown is concerned. */
    static void finished(QuarkusRequestWrapper wrapper) {
        if (wrapper == null || DONE == null) {
            return;
        }
        try {
            DONE.invoke(wrapper);
        } catch (Throwable t) {
            LOG.debug("could not mark an upgraded request done", t);
        }
    }
}
