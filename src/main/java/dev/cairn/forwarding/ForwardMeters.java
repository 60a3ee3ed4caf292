package dev.cairn.forwarding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of requests this node forwards to their objects' owners, one set per other member
 * (a bounded set of tags, registered up front). Thread-safe (Micrometer's meters are).
 */
final class ForwardMeters {
    /** Why a request forwarded to its owner failed, as counted by {@code cairn_forward_errors_total{reason}}. */
    enum ForwardError {
        /** No connection to the owner: refused, unreachable, or not within {@code cairn.cluster.connect-timeout}. */
        CONNECT("connect"),
        /** The owner sent nothing for {@code cairn.cluster.forward-timeout}. */
        TIMEOUT("timeout"),
        /** The connection broke while the request or its answer was under way. */
        BROKEN("broken"),
        /** A forwarded request reached a node that places the object elsewhere still (configurations differ). */
        MISDIRECTED("misdirected"),
        /** The owner lost the request's shard to a new leader and did not answer (it may be cut off). */
        OWNER_LOST("owner-lost");

        final String tag;

        ForwardError(String tag) {
            this.tag = tag;
        }
    }

    private final Map<String, Counter> calls = new HashMap<>();
    private final Map<String, Timer> latency = new HashMap<>();
    private final Map<String, Counter[]> errors = new HashMap<>();

    ForwardMeters(MeterRegistry registry, Collection<String> targets) {
        for (String target : targets) {
            calls.put(target, Counter.builder("cairn.forwarded.calls")
                    .description("Requests forwarded to the node owning their object, by owner")
                    .tag("target", target).register(registry));
            latency.put(target, Timer.builder("cairn.forward")
                    .description("Forwarded requests, from forwarding to the end of the owner's answer, by owner")
                    .tag("target", target)
                    .publishPercentiles(0.5, 0.99)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry));
            Counter[] byReason = new Counter[ForwardError.values().length];
            for (ForwardError e : ForwardError.values()) {
                byReason[e.ordinal()] = Counter.builder("cairn.forward.errors")
                        .description("Forwarded requests that failed, by owner and reason")
                        .tag("target", target).tag("reason", e.tag).register(registry);
            }
            errors.put(target, byReason);
        }
    }

    /** A request forwarded to {@code target} was answered (whatever its status) in {@code nanos}. */
    void forwarded(String target, long nanos) {
        calls.get(target).increment();
        latency.get(target).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request for {@code target} failed with {@code error}. */
    void failed(String target, ForwardError error) {
        calls.get(target).increment();
        errors.get(target)[error.ordinal()].increment();
    }
}
