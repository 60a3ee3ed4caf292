package dev.cairn.runtime;

import dev.cairn.api.ObjectId;

/**
 * The objects waiting, synchronously, for the current call: A calls B calls C gives [A, B] inside C.
 * Carried in a {@link ScopedValue} on the object's thread while an event runs, so a call back into
 * any of them is refused instead of deadlocking. Immutable.
 */
record CallChain(ObjectId head, CallChain rest) {
    static final CallChain EMPTY = new CallChain(null, null);
    static final ScopedValue<CallChain> CURRENT = ScopedValue.newInstance();

    static CallChain current() {
        return CURRENT.orElse(EMPTY);
    }

    CallChain with(ObjectId id) {
        return new CallChain(id, this);
    }

    boolean contains(ObjectId id) {
        for (CallChain c = this; c.head != null; c = c.rest) {
            if (c.head.equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (CallChain c = this; c.head != null; c = c.rest) {
            b.insert(0, (c.rest.head != null ? " -> " : "") + c.head.namespace() + "/" + c.head.name().orElse(c.head.toString()));
        }
        return b.toString();
    }
}
