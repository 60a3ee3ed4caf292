package dev.cairn.cluster;

/**
 * Whether a member is ready to serve right now, asked of it at once: a member that is up may still be
 * starting or already stopping (its readiness is DOWN from its SIGTERM on, while it still answers
 * probes of its liveness). Part of the cluster's seam. Thread-safe; blocks for at most the probe
 * timeout, so it is not called on an event loop.
 */
public interface MemberReadiness {
    /** True when {@code member} answered that it is ready; false when it is not or did not answer in time. */
    boolean ready(String member);
}
