package dev.cairn.api;

/**
 * The event called {@link ObjectContext#abort}: it ended there, its writes were rolled back, what it
 * sent was dropped and the instance was reset. The message is the reason the object gave.
 */
public final class AbortedException extends CairnException {
    private final AlarmAfterAbort alarm;

    public AbortedException(String reason, AlarmAfterAbort alarm) {
        super(reason == null || reason.isBlank() ? "the object aborted the event" : reason, null);
        this.alarm = alarm;
    }

    /** What becomes of the alarm, when an alarm handler aborted. */
    public AlarmAfterAbort alarm() {
        return alarm;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public boolean remote() {
        return true;
    }
}
