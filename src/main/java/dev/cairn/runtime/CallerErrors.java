package dev.cairn.runtime;

import dev.cairn.api.AbortedException;
import dev.cairn.api.CairnException;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.NotLeaderException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.Refusal;
import dev.cairn.api.StorageException;

/** What a failure of object code looks like to the object's callers. Stateless. */
final class CallerErrors {
    private CallerErrors() {}

    /**
     * What object code threw, as its caller sees it: a refusal as it is, an error from a nested call
     * or a retryable storage failure passes through, anything else becomes an {@link ObjectException}.
     */
    static CairnException asCallerSees(Throwable t) {
        return switch (t) {
            case Refusal r -> r;
            case ObjectException o -> o;
            case AbortedException a -> a;
            case EventTimeoutException timedOut -> timedOut;
            case NotLeaderException n -> n; // the storage found this node no longer leading: retryable, whatever code it passed through
            case StorageException s when s.retryable() -> s; // the node's disk failed the object's write, not its code: retryable
            default -> new ObjectException(messageOf(t), t);
        };
    }

    static String messageOf(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
