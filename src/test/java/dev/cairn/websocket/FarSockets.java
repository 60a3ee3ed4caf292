package dev.cairn.websocket;

import dev.cairn.forwarding.NodeAddresses;
import dev.cairn.runtime.Placement;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;

/**
 * For {@link SocketForwardingTest} only (selected by its profile): objects named {@code far-…} live on
 * node n2, whose URL the test sets once its stand-in owner listens; n3's URL refuses connections.
 */
@Alternative
@Singleton
public class FarSockets {
    static volatile URI n2;
    static volatile URI n3;

    @Produces
    @Singleton
    Placement placement() {
        return id -> id.name().orElse("").startsWith("far-") ? new Placement.Location.Elsewhere(id.name().get().startsWith("far-n3-") ? "n3" : "n2")
                : Placement.Location.HERE;
    }

    @Produces
    @Singleton
    NodeAddresses addresses() {
        return new NodeAddresses() {
            @Override
            public String self() {
                return "n1";
            }

            @Override
            public URI of(String node) {
                return switch (node) {
                    case "n2" -> n2;
                    case "n3" -> n3;
                    default -> throw new IllegalArgumentException("no member " + node);
                };
            }
        };
    }
}
