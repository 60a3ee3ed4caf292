package dev.cairn.api;

/**
 * Object code threw: the cause is what it threw, the message is the cause's message. The event's
 * writes were rolled back and the instance was reset.
 */
public final class ObjectException extends CairnException {
    public ObjectException(String message, Throwable cause) {
        super(message, cause);
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
