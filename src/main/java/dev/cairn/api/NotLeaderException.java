package dev.cairn.api;

/**
 * In a replicated cluster: this node no longer runs the object, because the leadership of the object's
 * Raft group moved (a failover, a planned move, or no leader yet). Retry: the next attempt reaches the
 * new leader. {@link #outcome()} says whether the call may have taken effect.
 */
public final class NotLeaderException extends CairnException {

    /** What the caller knows of the call's fate. */
    public enum Outcome {
        /** The call did not run, or ran without writing anything and its answer was withheld. */
        NOT_RUN,
        /**
         * The call's writes were committed locally but their replication was cut short: a new leader
         * may still commit them (then they count) or drop them. Check before retrying a call that is
         * not idempotent.
         */
        UNKNOWN
    }

    private final Outcome outcome;

    public NotLeaderException(Outcome outcome, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
