package dev.cairn.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every failure is an RFC 9457 problem ({@code application/problem+json}): type, title, status,
 * detail, instance, Cairn's flags, and for a body that breaks the contract each wrong field with its
 * rule and value. Over real HTTP, on the Counter example's {@code POST /objects/counter/{name}/increment}
 * ({@code {"by": integer, -1,000,000 to 1,000,000}}).
 */
@QuarkusTest
class ProblemDetailsTest {
    private static final String PROBLEMS = "https://cairn.dev/problems/";

    @TestHTTPResource("/")
    URI root;

    private static String fresh() {
        return "p-" + UUID.randomUUID();
    }

    private static ValidatableResponse increment(String name, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/objects/counter/{n}/increment", name).then();
    }

    private static ValidatableResponse problem(ValidatableResponse r, int status, String type, String instance) {
        return r.statusCode(status).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + type)).body("status", equalTo(status)).body("instance", equalTo(instance))
                .body("title", notNullValue()).body("detail", notNullValue());
    }

    private static void unchanged(String name, int value) {
        given().get("/objects/counter/{n}", name).then().statusCode(200).body("value", equalTo(value));
    }

    @Test
    void aFractionForAnIntegerIsRefusedNamingFieldRuleAndValue() {
        String name = fresh();
        increment(name, "{\"by\": 2}").statusCode(200);
        problem(increment(name, "{\"by\": 1.9}"), 400, "validation", "/objects/counter/" + name + "/increment")
                .body("title", equalTo("Request does not match the contract"))
                .body("detail", equalTo("by: expected an integer, got 1.9"))
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("by")).body("errors[0].rule", equalTo("type"))
                .body("errors[0].value", equalTo(1.9f)).body("errors[0].message", equalTo("by: expected an integer, got 1.9"))
                .body("retryable", equalTo(false)).body("overloaded", equalTo(false)).body("remote", equalTo(false));
        unchanged(name, 2);
    }

    @Test
    void aStringForANumberIsRefusedNotConverted() {
        String name = fresh();
        problem(increment(name, "{\"by\": \"7\"}"), 400, "validation", "/objects/counter/" + name + "/increment")
                .body("errors[0].field", equalTo("by")).body("errors[0].rule", equalTo("type"))
                .body("errors[0].value", equalTo("7")).body("detail", equalTo("by: expected an integer, got \"7\""));
        problem(increment(name, "{\"by\": true}"), 400, "validation", "/objects/counter/" + name + "/increment")
                .body("errors[0].rule", equalTo("type")).body("detail", equalTo("by: expected an integer, got true"));
        unchanged(name, 0);
    }

    @Test
    void aValueOutOfTheContractsRangeIsRefusedBeforeTheObjectRuns() {
        String name = fresh();
        problem(increment(name, "{\"by\": 1000001}"), 400, "validation", "/objects/counter/" + name + "/increment")
                .body("errors[0].field", equalTo("by")).body("errors[0].rule", equalTo("maximum"))
                .body("errors[0].value", equalTo(1000001))
                .body("detail", equalTo("by: must be at most 1000000, got 1000001"));
        problem(increment(name, "{\"by\": -1000001}"), 400, "validation", "/objects/counter/" + name + "/increment")
                .body("errors[0].rule", equalTo("minimum"));
        unchanged(name, 0);
    }

    @Test
    void anUnknownPropertyIsRefusedListingTheAllowedOnes() {
        String name = fresh();
        problem(increment(name, "{\"by\": 1, \"colour\": \"red\"}"), 400, "validation", "/objects/counter/" + name + "/increment")
                .body("errors[0].field", equalTo("colour")).body("errors[0].rule", equalTo("additionalProperties"))
                .body("detail", equalTo("colour: not a property of IncrementRequest (allowed: by)"));
        unchanged(name, 0);
    }

    @Test
    void malformedJsonSaysWhereAndWhatIsWrong() {
        String name = fresh();
        problem(increment(name, "{\"by\": }"), 400, "malformed-json", "/objects/counter/" + name + "/increment")
                .body("title", equalTo("Malformed JSON"))
                .body("detail", startsWith("malformed JSON at line 1, column 8: Unexpected character ('}'"))
                .body("errors", nullValue());
        problem(increment(name, "{\"by\": 1,\n \"by2\""), 400, "malformed-json", "/objects/counter/" + name + "/increment")
                .body("detail", startsWith("malformed JSON at line 2"));
        unchanged(name, 0);
    }

    @Test
    void aPathParameterThatBreaksItsPatternIsNamed() {
        problem(given().get("/ids/counter/{id}", "xyz").then(), 400, "validation", "/ids/counter/xyz")
                .body("errors[0].field", equalTo("id")).body("errors[0].rule", equalTo("pattern"))
                .body("errors[0].value", equalTo("xyz"));
    }

    @Test
    void aMethodThePathDoesNotServeIsA405WithItsOwnType() {
        problem(given().delete("/objects/counter/{n}/increment", "m").then(), 405, "method-not-allowed",
                "/objects/counter/m/increment").body("title", equalTo("Method not allowed"));
    }

    @Test
    void aBodyThatIsNotJsonIsA415WithItsOwnType() {
        problem(given().contentType(ContentType.TEXT).body("by=3").post("/objects/counter/{n}/increment", "t").then(), 415,
                "unsupported-media-type", "/objects/counter/t/increment")
                .body("detail", containsString("send application/json"));
    }

    @Test
    void unknownPathsAndOperationsAreA404WithItsOwnType() {
        problem(given().get("/no/such/thing").then(), 404, "not-found", "/no/such/thing")
                .body("detail", equalTo("no such namespace, operation or resource: /no/such/thing"));
        problem(given().post("/objects/counter/x/explode").then(), 404, "not-found", "/objects/counter/x/explode");
        problem(given().post("/objects/nope").then(), 404, "not-found", "/objects/nope")
                .body("detail", containsString("unknown namespace 'nope'"));
    }

    @Test
    void everyProblemTypeIsListedInTheDocumentation() throws Exception {
        String doc = Files.readString(Path.of("docs/rest.md"));
        for (ProblemType type : ProblemType.values()) {
            String slug = type.uri().toString().substring(PROBLEMS.length());
            assertTrue(doc.contains("| `" + slug + "` |"), "docs/rest.md lists " + slug);
        }
    }

    @Test
    void aBodyOverTheServersLimitIsA413WithItsOwnType() throws Exception {
        long limit = 10240 * 1024; // quarkus.http.limits.max-body-size, Quarkus' default
        var request = HttpRequest.newBuilder(root.resolve("/objects/counter/big/increment"))
                .header("Content-Type", "application/json").expectContinue(true).version(HttpClient.Version.HTTP_1_1)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) limit + 1])).build();
        HttpResponse<String> answer;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(413, answer.statusCode());
        assertEquals("application/problem+json", answer.headers().firstValue("content-type").orElseThrow());
        JsonNode body = new ObjectMapper().readTree(answer.body());
        assertEquals(PROBLEMS + "payload-too-large", body.get("type").asText());
        assertEquals("the request body is " + (limit + 1) + " bytes; at most " + limit
                + " are accepted (quarkus.http.limits.max-body-size)", body.get("detail").asText());
        assertTrue(body.get("instance").asText().endsWith("/increment"));
    }
}
