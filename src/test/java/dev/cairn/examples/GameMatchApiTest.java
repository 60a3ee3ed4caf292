package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cairn.api.Alarms;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectId;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * GameMatch's end: a match created with a duration is ended by its alarm, after which it takes no
 * more players or scores. The node's clock is moved and due alarms are fired by hand.
 */
@QuarkusTest
class GameMatchApiTest {
    /** The running service's node, and its clock, which stands still until a test moves it. */
    private final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Alarms alarms;

    @Inject
    Namespaces namespaces;

    private static JsonPath create(String server, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/objects/game-server/{s}/matches", server)
                .then().statusCode(200).extract().jsonPath();
    }

    private static Response join(String match, String player) {
        return given().contentType(ContentType.JSON).body("{\"player\": \"" + player + "\"}").post("/ids/game-match/{id}/players", match);
    }

    private static Response score(String match, String player, long points) {
        return given().contentType(ContentType.JSON).body("{\"player\": \"" + player + "\", \"points\": " + points + "}")
                .post("/ids/game-match/{id}/scores", match);
    }

    @Test
    void aMatchWithADurationIsEndedByItsAlarmAndThenTakesNoMorePlayersOrScores() {
        String server = "server-" + UUID.randomUUID();
        var created = create(server, "{\"players\": [\"ada\"], \"durationMs\": 60000}");
        String id = created.getString("id");
        Instant endsAt = Instant.parse(created.getString("endsAt"));
        assertEquals(Instant.parse(created.getString("createdAt")).plusSeconds(60), endsAt, "endsAt = createdAt + durationMs");
        assertEquals(null, created.getString("endedAt"));

        join(id, "bob").then().statusCode(200);
        score(id, "bob", 5).then().statusCode(200);
        cairn.clock().advanceTo(endsAt.minusSeconds(5));
        cairn.fireDueAlarms();
        score(id, "bob", 2).then().statusCode(200).body("endedAt", nullValue()).body("players[1].score", equalTo(7));

        cairn.clock().advanceTo(endsAt);
        cairn.fireDueAlarms();
        String endedAt = given().get("/ids/game-match/{id}", id).then().statusCode(200).body("endsAt", equalTo(created.getString("endsAt")))
                .extract().path("endedAt");
        assertFalse(Instant.parse(endedAt).isBefore(endsAt), "ended by its alarm, not before endsAt: " + endedAt);

        join(id, "cy").then().statusCode(409).body("type", equalTo("https://cairn.dev/problems/conflict"))
                .body("detail", equalTo("match " + id + " ended at " + Instant.parse(endedAt) + "; it takes no more players"));
        score(id, "bob", 1).then().statusCode(409)
                .body("detail", equalTo("match " + id + " ended at " + Instant.parse(endedAt) + "; its scores are final"));
        var listed = given().get("/objects/game-server/{s}/matches", server).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(endedAt), listed.getList("matches.endedAt"), "the server lists it as ended");
        assertEquals(List.of(0, 7), listed.getList("matches[0].players.score"), "the final scores are kept");
    }

    @Test
    void aMatchWithoutADurationHasNoAlarmAndNeverEnds() {
        String server = "server-" + UUID.randomUUID();
        var created = create(server, "{\"players\": [\"ada\"]}");
        assertEquals(null, created.getString("endsAt"));
        ObjectId id = namespaces.of(GameMatch.class).idFromString(created.getString("id"));
        assertFalse(alarms.pending(Optional.of("game-match"), 100_000).stream().anyMatch(p -> p.id().equals(id)), "no alarm is set");
        cairn.clock().advance(Duration.ofHours(1)); // the clock is shared by every test of the run: kept well under a day
        cairn.fireDueAlarms();
        score(created.getString("id"), "ada", 1).then().statusCode(200).body("endsAt", nullValue()).body("endedAt", nullValue());
    }

    @Test
    void aDurationOutsideItsBoundsIsA400AndCreatesNoMatch() {
        String server = "server-" + UUID.randomUUID();
        for (String duration : new String[] {"0", "86400001"}) {
            given().contentType(ContentType.JSON).body("{\"durationMs\": " + duration + "}")
                    .post("/objects/game-server/{s}/matches", server).then().statusCode(400);
        }
        given().get("/objects/game-server/{s}/matches", server).then().statusCode(200).body("matches.size()", equalTo(0));
    }

    @Test
    void aMatchOpensOnceAndAnUnopenedOneIsNotFound() {
        var created = create("server-" + UUID.randomUUID(), "{\"players\": [\"ada\"]}");
        given().contentType(ContentType.JSON).body("{\"server\": \"elsewhere\"}").put("/ids/game-match/{id}", created.getString("id"))
                .then().statusCode(409).body("type", equalTo("https://cairn.dev/problems/conflict"));
        given().get("/ids/game-match/{id}", created.getString("id")).then().statusCode(200).body("server", equalTo(created.getString("server")));

        String unopened = given().post("/objects/game-match").then().statusCode(200).extract().path("id");
        given().get("/ids/game-match/{id}", unopened).then().statusCode(404).body("type", equalTo("https://cairn.dev/problems/not-found"));
        join(unopened, "ada").then().statusCode(404);
    }
}
