package dev.cairn.engine;

import io.quarkus.arc.Arc;

/** Reaches the running engine from tests outside this package. */
public final class TestAccess {
    private TestAccess() {}

    static Engine engine() {
        return Arc.container().instance(Engine.class).get();
    }

    public static String idFromName(String namespace, String name) {
        return engine().get(namespace).idFromName(name).toString();
    }
}
