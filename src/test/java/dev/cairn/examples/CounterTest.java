package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.Stub;
import dev.cairn.examples.api.CounterStub;
import dev.cairn.examples.model.IncrementRequest;
import dev.cairn.testing.CairnTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's "Test your objects" example: the Counter tested with the test kit, no service started. */
class CounterTest {
    @RegisterExtension
    static final CairnTestKit cairn = CairnTestKit.builder().namespace("counter", Counter.class).build();

    @Test
    void incrementsSurviveHibernation() {
        Stub<Counter> stub = cairn.get(Counter.class, "hello");
        CounterStub counter = CounterStub.of(stub);
        assertEquals(1, counter.increment(new IncrementRequest()).getValue());
        assertEquals(6, counter.increment(new IncrementRequest().by(5L)).getValue());

        cairn.evict(stub); // instance dropped, database closed: the next call starts a new instance
        assertFalse(cairn.isActive(stub));
        assertEquals(6, counter.value().getValue());
    }

    @Test
    void aTestCanReachInsideTheObject() {
        Stub<Counter> counter = cairn.get(Counter.class, "inside");
        CounterStub.of(counter).increment(new IncrementRequest().by(3L));
        long stored = cairn.runIn(counter, (c, ctx) ->
                ctx.storage().sql().exec("SELECT value FROM counter").one().getLong("value"));
        assertEquals(3, stored);
        assertTrue(cairn.ids("counter").contains(counter.id()), "listed among the namespace's stored objects");
    }
}
