package dev.cairn.runtime;

/** An event of a batch failed, and what became of the batch (thrown and caught on the object's thread). */
final class EventFailed extends Exception {
    /** Whether a batch's writes can still be committed, and why not. */
    enum BatchLoss {
        NONE(""),
        /** An event's rollback failed: the batch cannot be trusted. */
        ROLLBACK_FAILED("an earlier event's rollback failed"),
        /** An event ran past its time limit: the callers of the whole batch were told their writes are not kept. */
        TIMED_OUT("an event committed with it ran past its time limit");

        final String why;

        BatchLoss(String why) {
            this.why = why;
        }
    }

    final BatchLoss loss;

    EventFailed(Throwable cause, BatchLoss loss) {
        super(null, cause, false, false);
        this.loss = loss;
    }
}
