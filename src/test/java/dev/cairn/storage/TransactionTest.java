package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.Scratch;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectException;
import dev.cairn.api.Storage;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code storage.transaction}: all-or-nothing inside a call, and what nesting means. */
class TransactionTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest().build();
    Stub<Scratch> object;

    @BeforeEach
    void start() {
        object = cairn.get(Scratch.class, "txn");
        kv(s -> { s.sql().exec("CREATE TABLE t (v TEXT)"); return null; });
    }

    private <R> R kv(Function<Storage, R> body) {
        return cairn.runIn(object, (s, ctx) -> body.apply(ctx.storage()));
    }

    private List<String> keys() {
        return List.copyOf(kv(s -> s.list(ListOptions.all())).keySet());
    }

    private long rows() {
        return this.<Long>kv(s -> s.sql().exec("SELECT count(*) AS n FROM t").one().getLong("n"));
    }

    @Test
    void aTransactionThatReturnsKeepsItsWritesAndGivesItsResult() {
        assertEquals("done", kv(s -> s.transaction(txn -> {
            s.put("a", 1);
            s.sql().exec("INSERT INTO t VALUES ('x')");
            return "done";
        })));
        assertEquals(List.of("a"), keys());
        assertEquals(1, rows());
    }

    @Test
    void anExceptionUndoesTheTransactionOnlyAndTheCallMayGoOn() {
        String outcome = kv(s -> {
            s.put("before", true);
            try {
                s.transaction(txn -> {
                    s.put("inside", true);
                    s.sql().exec("INSERT INTO t VALUES ('x')");
                    throw new IllegalStateException("nope");
                });
            } catch (IllegalStateException e) {
                s.put("after", true);
                return e.getMessage();
            }
            return "not thrown";
        });
        assertEquals("nope", outcome, "the body's exception reaches the caller unchanged");
        assertEquals(List.of("after", "before"), keys());
        assertEquals(0, rows());
    }

    @Test
    void rollbackUndoesEveryWriteOfTheBodyBeforeAndAfterItWasCalled() {
        assertEquals(Boolean.TRUE, kv(s -> s.transaction(txn -> {
            s.put("early", 1);
            txn.rollback();
            s.put("late", 2);
            return txn.isRollbackOnly();
        })));
        assertEquals(List.of(), keys());
    }

    @Test
    void anInnerRollbackKeepsTheOuterTransactionsWrites() {
        kv(s -> s.transaction(outer -> {
            s.put("outer", 1);
            s.transaction(inner -> {
                s.put("inner", 2);
                inner.rollback();
                return null;
            });
            s.put("outer-after", 3);
            return null;
        }));
        assertEquals(List.of("outer", "outer-after"), keys());
    }

    @Test
    void anOuterRollbackUndoesACompletedInnerTransaction() {
        kv(s -> s.transaction(outer -> {
            s.transaction(inner -> {
                s.put("inner", 2);
                return null;
            });
            outer.rollback();
            return null;
        }));
        assertEquals(List.of(), keys());
    }

    @Test
    void aCallThatThrowsUndoesItsCompletedTransactions() {
        assertThrows(ObjectException.class, () -> kv(s -> {
            s.transaction(txn -> {
                s.put("committed?", true);
                return null;
            });
            throw new IllegalStateException("the call fails after the transaction");
        }));
        assertNull(kv(s -> s.get("committed?")), "nothing is durable before the call returns");
    }

    @Test
    void aCheckedExceptionFromTheBodyFailsTheCallWithItsMessage() {
        var e = assertThrows(ObjectException.class, () -> kv(s -> s.transaction(txn -> {
            s.put("k", 1);
            throw new java.io.IOException("disk on fire");
        })));
        assertEquals("disk on fire", e.getMessage());
        assertEquals(List.of(), keys());
    }
}
