package dev.cairn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.Operation.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An operation is its local lambda and, for another node, its REST request: method, target, body, result. */
class OperationTest {
    private static final Route<List<String>> HISTORY = Route.get("/history/{day}/{kind}", Result.listOf(String.class))
            .query("limit", "after");

    @Test
    void theTargetFillsThePathInOrderAndLeavesOutQueryParametersWithoutValue() {
        ObjectCall<Object, List<String>> local = o -> List.of();
        Operation<Object, List<String>> op = HISTORY.operation(local, null, "20260101", "all", 10, null);

        assertEquals("/history/20260101/all?limit=10", op.target());
        assertEquals("GET /history/20260101/all?limit=10", op.toString());
        assertSame(local, op.local());
        assertEquals(new Result.ListOf<>(Result.of(String.class)), op.route().result());
    }

    @Test
    void valuesArePercentEncodedAsUtf8SoNoneCanChangeThePathOrTheQuery() {
        Operation<Object, List<String>> op = HISTORY.operation(o -> null, null, "a b/c?", "ü%", "x&y=z", "~._-");
        assertEquals("/history/a%20b%2Fc%3F/%C3%BC%25?limit=x%26y%3Dz&after=~._-", op.target());
    }

    @Test
    void anOperationWithoutParametersIsItsPathAndCarriesItsBody() {
        Object body = new Object();
        Operation<Object, Void> op = Route.post("/increment", Result.none()).operation(o -> null, body);
        assertEquals("/increment", op.target());
        assertSame(body, op.body());
        assertEquals("POST", op.route().method());
    }

    @Test
    void theWrongNumberOfValuesIsRefusedNamingWhatTheRouteTakes() {
        var e = assertThrows(IllegalArgumentException.class, () -> HISTORY.operation(o -> null, null, "20260101"));
        assertEquals("GET /history/{day}/{kind} takes 2 path and 2 query parameter values; got 1", e.getMessage());
    }

    @Test
    void aRouteMustBeOneOfTheContractsMethodsAndPaths() {
        var method = assertThrows(IllegalArgumentException.class, () -> Route.of("TRACE", "/x", Result.none()));
        assertTrue(method.getMessage().contains("[GET, POST, PUT, DELETE, PATCH]; got TRACE"), method.getMessage());
        var path = assertThrows(IllegalArgumentException.class, () -> Route.get("x", Result.none()));
        assertTrue(path.getMessage().contains("\"\" or starts with '/'"), path.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Route.get("/x/{id}", Result.none()).operation(o -> null, null, (Object) null).target());
        assertEquals("a path parameter must have a value; got null", missing.getMessage());
    }
}
