package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.DisabledOnIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The Counter example through its generated REST endpoints, over real HTTP and real SQLite files. */
@QuarkusTest
class CounterApiTest {

    private static String fresh() {
        return "c-" + UUID.randomUUID();
    }

    @Test
    void incrementAddsOneByDefaultAndTheGivenAmountOtherwise() {
        String name = fresh();
        given().post("/objects/counter/{n}/increment", name).then().statusCode(200).body("value", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"by\": 41}")
                .post("/objects/counter/{n}/increment", name).then().statusCode(200).body("value", equalTo(42));
        given().get("/objects/counter/{n}", name).then().statusCode(200).body("value", equalTo(42));
    }

    @Test
    void aNewCounterReadsZeroAndNoopAnswersZeroWithoutChangingIt() {
        String name = fresh();
        given().get("/objects/counter/{n}", name).then().statusCode(200).body("value", equalTo(0));
        given().post("/objects/counter/{n}/increment", name).then().body("value", equalTo(1));
        given().post("/objects/counter/{n}/noop", name).then().statusCode(200).body("value", equalTo(0));
        given().get("/objects/counter/{n}", name).then().body("value", equalTo(1));
    }

    @Test
    void twoHundredParallelIncrementsOnOneObjectGiveExactlyTwoHundred() throws Exception {
        String name = fresh();
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(() -> given().post("/objects/counter/{n}/increment", name).then().statusCode(200)
                    .extract().path("value"));
        }
        List<Integer> seen = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(50)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                seen.add(f.get());
            }
        }
        given().get("/objects/counter/{n}", name).then().body("value", equalTo(200));
        assertEquals(200, seen.stream().distinct().count(), "every increment saw a distinct committed value");
    }

    @Test
    void aMintedUniqueIdReachesItsOwnCounterUnderIds() {
        String id = given().post("/objects/counter").then().statusCode(200)
                .body("id", matchesPattern("[0-9a-f]{64}")).extract().path("id");
        given().post("/ids/counter/{id}/increment", id).then().statusCode(200).body("value", equalTo(1));
        given().get("/ids/counter/{id}", id).then().statusCode(200).body("value", equalTo(1));
        given().post("/ids/counter/{id}/noop", id).then().statusCode(200).body("value", equalTo(0));
    }

    @Test
    @DisabledOnIntegrationTest("derives the id from the name through the node (in-process only)")
    void aNamedCounterIsAlsoReachableByItsId() {
        String name = fresh();
        given().post("/objects/counter/{n}/increment", name).then().body("value", equalTo(1));
        String id = CairnTestKit.inQuarkus().get(Counter.class, name).id().toString();
        given().post("/ids/counter/{id}/increment", id).then().statusCode(200).body("value", equalTo(2));
    }

    @Test
    void mintingRecordsAJurisdictionAndRefusesUnknownOnes() {
        given().contentType(ContentType.JSON).body("{\"jurisdiction\": \"eu\"}").post("/objects/counter")
                .then().statusCode(200).body("id", matchesPattern("[0-9a-f]{64}"));
        given().contentType(ContentType.JSON).body("{\"jurisdiction\": \"mars\"}").post("/objects/counter")
                .then().statusCode(400).body("type", equalTo("https://cairn.dev/problems/validation"));
    }

    @Test
    void malformedIdsAreA400() {
        given().get("/ids/counter/{id}", "xyz").then().statusCode(400);
        given().get("/ids/counter/{id}", "A".repeat(64)).then().statusCode(400);
    }

    @Test
    void anAmountOutsideTheContractsRangeIsA400AndAddsNothing() {
        String name = fresh();
        given().contentType(ContentType.JSON).body("{\"by\": 1000000001}").post("/objects/counter/{n}/increment", name)
                .then().statusCode(400);
        given().get("/objects/counter/{n}", name).then().body("value", equalTo(0));
    }

    @Test
    void theKeyValueCounterIsServedByNameAndById() {
        String id = given().post("/objects/counter").then().statusCode(200).extract().path("id");
        given().post("/ids/counter/{id}/kv-increment", id).then().statusCode(200).body("value", equalTo(1));
        given().get("/ids/counter/{id}/kv", id).then().statusCode(200).body("value", equalTo(1));
        given().get("/ids/counter/{id}", id).then().body("value", equalTo(0));
    }

    @Test
    void idsMintedByAnotherNamespaceAreRejected() {
        String foreign = given().post("/objects/game-match").then().statusCode(200).extract().path("id");
        given().post("/ids/counter/{id}/increment", foreign).then().statusCode(400)
                .body("detail", containsString("not minted by namespace 'counter'"));
    }

    @Test
    void unknownNamespacesAndOperationsAnswer404WithTheErrorBody() {
        given().post("/objects/nope").then().statusCode(404)
                .body("type", equalTo("https://cairn.dev/problems/not-found")).body("detail", containsString("unknown namespace 'nope'"));
        given().post("/objects/nope/x/increment").then().statusCode(404).body("type", equalTo("https://cairn.dev/problems/not-found"));
        given().post("/objects/counter/x/explode").then().statusCode(404).body("type", equalTo("https://cairn.dev/problems/not-found"));
        given().get("/objects/nope/x/fetch/anything").then().statusCode(404)
                .body("detail", containsString("unknown namespace 'nope'"));
        given().get("/objects/counter/x/fetch/").then().statusCode(404)
                .body("detail", containsString("no fetch handler"));
    }

    @Test
    void badJsonIsA400WithTheErrorBody() {
        given().contentType(ContentType.JSON).body("{\"by\": \"lots\"}").post("/objects/counter/{n}/increment", fresh())
                .then().statusCode(400).body("type", equalTo("https://cairn.dev/problems/validation"))
                .body("detail", containsString("by: "));
        given().contentType(ContentType.JSON).body("{oops").post("/objects/counter/{n}/increment", fresh())
                .then().statusCode(400).body("type", equalTo("https://cairn.dev/problems/malformed-json"));
    }
}
