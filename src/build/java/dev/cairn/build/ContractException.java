package dev.cairn.build;

/** A mistake in an object contract: the message names the operation and says what is allowed. */
final class ContractException extends RuntimeException {
    ContractException(String message) {
        super(message);
    }
}
