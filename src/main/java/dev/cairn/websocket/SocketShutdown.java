package dev.cairn.websocket;

import dev.cairn.runtime.Node;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Closes every socket with 1012 (service restart) at the very start of shutdown, while the HTTP
 * server still runs, so clients see a clean close code instead of a dropped connection. Quarkus fires
 * {@link ShutdownDelayInitiatedEvent} in its pre-shutdown phase when
 * {@code quarkus.shutdown.delay-enabled=true} (set in application.properties; without a
 * {@code quarkus.shutdown.delay} there is no extra wait). The node's own shutdown repeats the close
 * for anything opened since (nothing: upgrades are refused from here on).
 */
@Singleton
final class SocketShutdown {
    void preShutdown(@Observes ShutdownDelayInitiatedEvent event, Node node) {
        node.sockets().closeAllForShutdown();
    }
}
