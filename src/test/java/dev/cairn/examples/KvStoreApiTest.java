package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The KvStore example over real HTTP: any JSON value per key, ordered listing, delete all. */
@QuarkusTest
class KvStoreApiTest {

    private static String fresh() {
        return "kv-" + UUID.randomUUID();
    }

    private static void put(String store, String key, String json) {
        given().contentType(ContentType.JSON).body(json).put("/objects/kv/{n}/keys/{k}", store, key).then().statusCode(204);
    }

    private static List<String> keys(String store, String query) {
        return given().get("/objects/kv/" + store + "/keys" + query).then().statusCode(200).extract().jsonPath().getList("key");
    }

    @Test
    void aValueReadsBackAsItWasPutWhateverItsJsonType() {
        String store = fresh();
        put(store, "obj", "{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": 12345678901234}}");
        put(store, "str", "\"h\u00e9llo\"");
        put(store, "num", "42");
        put(store, "arr", "[]");
        assertEquals(Map.of("a", java.util.Arrays.asList(1, 2.5f, "x", null, true), "b", Map.of("c", 12345678901234L)),
                given().get("/objects/kv/{n}/keys/obj", store).then().statusCode(200).extract().jsonPath().getMap("$"));
        given().get("/objects/kv/{n}/keys/str", store).then().statusCode(200).body(equalTo("\"h\u00e9llo\""));
        given().get("/objects/kv/{n}/keys/num", store).then().statusCode(200).body(equalTo("42"));
        given().get("/objects/kv/{n}/keys/arr", store).then().statusCode(200).body(equalTo("[]"));
    }

    @Test
    void anAbsentKeyIs404AndDeleteSaysWhetherItExisted() {
        String store = fresh();
        given().get("/objects/kv/{n}/keys/nope", store).then().statusCode(404)
                .body("type", equalTo("https://cairn.dev/problems/not-found")).body("detail", equalTo("no key 'nope' in store '" + store + "'"));
        put(store, "k", "1");
        given().delete("/objects/kv/{n}/keys/k", store).then().statusCode(200).body("deleted", equalTo(true));
        given().delete("/objects/kv/{n}/keys/k", store).then().statusCode(200).body("deleted", equalTo(false));
        given().get("/objects/kv/{n}/keys/k", store).then().statusCode(404);
    }

    @Test
    void listingHonoursPrefixBoundsReverseAndLimitInUtf8Order() {
        String store = fresh();
        for (String k : List.of("b", "a", "ab", "\u00e9", "ac", "z")) {
            put(store, k, "\"" + k + "\"");
        }
        given().urlEncodingEnabled(false).contentType(ContentType.JSON).body("\"b/c\"")
                .put("/objects/kv/" + store + "/keys/b%2Fc").then().statusCode(204);
        assertEquals(List.of("a", "ab", "ac", "b", "b/c", "z", "\u00e9"), keys(store, ""));
        assertEquals(List.of("a", "ab", "ac"), keys(store, "?prefix=a"));
        assertEquals(List.of("ab", "ac", "b"), keys(store, "?start=ab&end=b%2F"));
        assertEquals(List.of("ac", "b"), keys(store, "?startAfter=ab&end=b%2F"));
        assertEquals(List.of("\u00e9", "z"), keys(store, "?reverse=true&limit=2"));
        assertEquals(List.of("ac"), keys(store, "?prefix=a&reverse=true&limit=1"));
        assertEquals("b/c", given().queryParam("prefix", "b/").get("/objects/kv/{n}/keys", store).then().statusCode(200)
                .extract().jsonPath().getString("[0].value"));
    }

    @Test
    void badListOptionsAndBadBodiesAre400AndStoreNothing() {
        String store = fresh();
        given().get("/objects/kv/{n}/keys?start=a&startAfter=b", store).then().statusCode(400)
                .body("type", equalTo("https://cairn.dev/problems/bad-request")).body("detail", equalTo("give start (inclusive) or startAfter (exclusive), not both"));
        given().get("/objects/kv/{n}/keys?limit=0", store).then().statusCode(400);
        given().contentType(ContentType.JSON).body("null").put("/objects/kv/{n}/keys/k", store).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{oops").put("/objects/kv/{n}/keys/k", store).then().statusCode(400)
                .body("type", equalTo("https://cairn.dev/problems/malformed-json"));
        given().get("/objects/kv/{n}/keys/k", store).then().statusCode(404);
    }

    @Test
    void aKeyOverTheLimitIs400NamingTheLimit() {
        String store = fresh();
        given().contentType(ContentType.JSON).body("1").put("/objects/kv/{n}/keys/{k}", store, "k".repeat(2049))
                .then().statusCode(400).body("type", equalTo("https://cairn.dev/problems/storage-limit"))
                .body("detail", startsWith("key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…' is 2049 UTF-8 bytes; the limit is 2048 bytes"
                        + " (cairn.storage.kv-max-key-bytes)"));
    }

    @Test
    void deleteAllEmptiesTheStore() {
        String store = fresh();
        put(store, "a", "1");
        put(store, "b", "2");
        given().delete("/objects/kv/{n}", store).then().statusCode(204);
        assertEquals(List.of(), keys(store, ""));
        given().get("/objects/kv/{n}/keys/a", store).then().statusCode(404);
    }
}
