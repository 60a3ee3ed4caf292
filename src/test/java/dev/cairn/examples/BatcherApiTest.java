package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.Alarms;
import dev.cairn.api.Namespaces;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Batcher example: items are buffered, the first one of a batch sets the alarm, and the alarm
 * writes the whole buffer as the next batch. The node's clock is moved and due alarms are fired by
 * hand.
 */
@QuarkusTest
class BatcherApiTest {
    /** The running service's node, and its clock, which stands still until a test moves it. */
    private final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Alarms alarms;

    @Inject
    Namespaces namespaces;

    private static JsonPath add(String name, String item, String query) {
        return given().contentType(ContentType.JSON).body("{\"item\": \"" + item + "\"}")
                .post("/objects/batcher/{n}/items" + query, name).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath batches(String name) {
        return given().get("/objects/batcher/{n}/batches", name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theFirstItemSetsTheFlushTimeLaterItemsJoinItsBatchAndTheAlarmWritesThemInOrder() {
        String name = "batcher-" + UUID.randomUUID();
        long before = cairn.clock().millis();
        var first = add(name, "a", "");
        assertEquals(1, first.getInt("buffered"));
        Instant flushAt = Instant.parse(first.getString("flushAt"));
        assertTrue(!flushAt.isBefore(Instant.ofEpochMilli(before + 10_000)) && !flushAt.isAfter(cairn.clock().instant().plusSeconds(10)),
                "by default the batch is written 10 s after its first item: " + flushAt);

        var second = add(name, "b", "?flushAfterMs=1");
        assertEquals(2, second.getInt("buffered"));
        assertEquals(flushAt, Instant.parse(second.getString("flushAt")), "a later item joins the pending batch; its flushAfterMs is ignored");
        assertEquals(3, add(name, "c", "").getInt("buffered"));
        assertEquals(List.of(), batches(name).getList("$"), "nothing is written before the alarm");

        cairn.clock().advanceTo(flushAt.minusSeconds(5));
        cairn.fireDueAlarms();
        assertEquals(List.of(), batches(name).getList("$"), "5 s before its time the alarm has not fired");

        cairn.clock().advanceTo(flushAt);
        cairn.fireDueAlarms();
        var written = batches(name);
        assertEquals(1, written.getList("$").size());
        assertEquals(1, written.getLong("[0].batch"));
        assertEquals(List.of("a", "b", "c"), written.getList("[0].items"), "one batch, in arrival order");
        assertFalse(Instant.parse(written.getString("[0].flushedAt")).isBefore(flushAt));

        var next = add(name, "d", "?flushAfterMs=60000");
        assertEquals(1, next.getInt("buffered"), "the buffer was emptied by the alarm: d starts a new batch");
        Instant nextFlushAt = Instant.parse(next.getString("flushAt"));
        assertTrue(nextFlushAt.isAfter(flushAt.plusSeconds(59)), "the new batch has its own alarm, flushAfterMs ahead: " + nextFlushAt);
        cairn.clock().advanceTo(nextFlushAt);
        cairn.fireDueAlarms();
        var both = batches(name);
        assertEquals(List.of(1, 2), both.getList("batch"));
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d")), both.getList("items"));
    }

    @Test
    void runNowWritesThePendingBatchAtOnceAndNeverAnEmptyOne() {
        String name = "batcher-" + UUID.randomUUID();
        add(name, "x", "");
        add(name, "y", "");
        var id = namespaces.of(Batcher.class).idFromName(name);
        assertTrue(alarms.runNow(id), "the pending batch's alarm ran, whatever its time");
        assertEquals(List.of(List.of("x", "y")), batches(name).getList("items"));
        assertFalse(alarms.runNow(id), "after the flush there is no alarm until the next item");
        assertEquals(1, batches(name).getList("$").size(), "no empty batch");
    }

    @Test
    void withASmallFlushAfterMsTheBatchIsWrittenAsSoonAsItsTimeComes() {
        String name = "batcher-" + UUID.randomUUID();
        Instant flushAt = Instant.parse(add(name, "soon", "?flushAfterMs=200").getString("flushAt"));
        assertEquals(cairn.clock().instant().plusMillis(200), flushAt, "the first item sets the alarm flushAfterMs ahead");

        cairn.clock().advanceTo(flushAt.minusMillis(1));
        cairn.fireDueAlarms();
        assertEquals(List.of(), batches(name).getList("$"), "1 ms before its time nothing is written");

        cairn.clock().advanceTo(flushAt);
        cairn.fireDueAlarms(); // or the node's timer sent it first: this waits for that run too
        var written = batches(name);
        assertEquals(List.of(List.of("soon")), written.getList("items"), "written once its time came");
        assertFalse(Instant.parse(written.getString("[0].flushedAt")).isBefore(flushAt), "not before its time");
    }

    @Test
    void inputOutsideTheContractIsA400AndBuffersNothing() {
        String items = "/objects/batcher/" + "batcher-" + UUID.randomUUID() + "/items";
        given().contentType(ContentType.JSON).body("{\"item\": \"x\"}").post(items + "?flushAfterMs=0").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"item\": \"x\"}").post(items + "?flushAfterMs=86400001").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"item\": \"\"}").post(items).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"item\": \"" + "x".repeat(1025) + "\"}").post(items).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}").post(items).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"item\": \"ok\"}").post(items).then().statusCode(200)
                .body("buffered", equalTo(1));
    }
}
