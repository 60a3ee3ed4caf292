package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectId;
import dev.cairn.api.Stub;
import dev.cairn.examples.Counter;
import dev.cairn.examples.api.CounterStub;
import dev.cairn.examples.model.IncrementRequest;
import dev.cairn.testing.CairnTestKit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A namespace's stored objects are listed from their database files' names alone, so the WAL files
 * beside them (which come and go as databases open and close) are neither listed nor read.
 */
class StoredIdsTest {
    @RegisterExtension
    static final CairnTestKit cairn = CairnTestKit.builder().namespace("counter", Counter.class).build();

    @Test
    void everyObjectWithADatabaseIsListedOnceInIdOrderBesideItsOpenWal() throws Exception {
        List<ObjectId> written = new ArrayList<>();
        for (String name : List.of("c", "a", "b")) {
            Stub<Counter> counter = cairn.get(Counter.class, name);
            CounterStub.of(counter).increment(new IncrementRequest());
            written.add(counter.id());
        }
        Stub<Counter> last = cairn.get(Counter.class, "b");
        assertTrue(cairn.isActive(last), "its database is open");

        List<ObjectId> listed = cairn.ids("counter");

        assertEquals(written.stream().sorted(Comparator.comparing(ObjectId::toString)).toList(), listed);
    }
}
