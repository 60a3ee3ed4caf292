package dev.cairn.api;

/** No namespace has that name (or is bound to that class). */
public final class UnknownNamespaceException extends CairnException {
    public UnknownNamespaceException(String message) {
        super(message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
