package dev.cairn.api;

/**
 * A call would reach an object that is itself waiting, further up the same chain of calls, for
 * this call to finish. Objects run one event at a time, so it could never run: Cairn refuses it at
 * once instead of deadlocking.
 */
public final class CallCycleException extends CairnException {
    public CallCycleException(String message) {
        super(message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
