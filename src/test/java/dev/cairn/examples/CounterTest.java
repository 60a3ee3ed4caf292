package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's "Test your objects" example: the Counter tested with the test kit, no service started. */
class CounterTest {
    @RegisterExtension
    static final CairnTestKit cairn = CairnTestKit.builder().namespace("counter", Counter.class).build();

    @Test
    void incrementsSurviveHibernation() {
        Stub<Counter> counter = cairn.get(Counter.class, "hello");
        assertEquals(1, (long) counter.call(c -> c.increment(1)));
        assertEquals(6, (long) counter.call(c -> c.increment(5)));

        cairn.evict(counter); // instance dropped, database closed: the next call starts a new instance
        assertFalse(cairn.isActive(counter));
        assertEquals(6, (long) counter.call(Counter::value));
    }

    @Test
    void aTestCanReachInsideTheObject() {
        Stub<Counter> counter = cairn.get(Counter.class, "inside");
        counter.call(c -> c.increment(3));
        long stored = cairn.runIn(counter, (c, ctx) ->
                ctx.storage().sql().exec("SELECT value FROM counter").one().getLong("value"));
        assertEquals(3, stored);
        assertTrue(cairn.ids("counter").contains(counter.id()), "listed among the namespace's stored objects");
    }
}
