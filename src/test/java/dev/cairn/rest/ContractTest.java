package dev.cairn.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cairn.client.ApiClient;
import dev.cairn.client.ApiException;
import dev.cairn.client.api.CounterApi;
import dev.cairn.client.api.GameMatchApi;
import dev.cairn.client.api.GameServerApi;
import dev.cairn.client.model.IncrementRequest;
import dev.cairn.client.model.JoinRequest;
import dev.cairn.client.model.NewMatchRequest;
import dev.cairn.client.model.ScoreRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The published contract is the committed one, and a client generated from it works. */
@QuarkusTest
class ContractTest {
    @TestHTTPResource("/")
    URL base;

    private ApiClient client() {
        ApiClient c = new ApiClient();
        c.updateBaseUri(base.toString().replaceAll("/$", ""));
        return c;
    }

    @Test
    void theServedContractIsTheCommittedContract() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode committed = yaml.readTree(Path.of("src/main/openapi/openapi.yaml").toFile());
        JsonNode served = yaml.readTree(given().get("/q/openapi?format=yaml").then().statusCode(200).extract().asString());
        assertEquals(committed, served);
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }

    @Test
    void aClientGeneratedFromTheContractCallsALiveCounter() throws Exception {
        CounterApi counters = new CounterApi(client());
        String name = "client-" + UUID.randomUUID();
        assertEquals(5, counters.incrementByName(name, new IncrementRequest().by(5L)).getValue());
        assertEquals(6, counters.incrementByName(name, null).getValue());
        assertEquals(6, counters.getCounterByName(name).getValue());
        var e = assertThrows(ApiException.class, () -> counters.getCounterById("not-an-id"));
        assertEquals(400, e.getCode());
    }

    @Test
    void aGameServerCreatesMatchesThatTrackPlayersAndScores() throws Exception {
        GameServerApi servers = new GameServerApi(client());
        GameMatchApi matches = new GameMatchApi(client());
        String server = "server-" + UUID.randomUUID();
        var first = servers.createMatch(server, new NewMatchRequest().players(List.of("ada", "bob")));
        var second = servers.createMatch(server, null);
        assertEquals(server, first.getServer());
        matches.joinMatch(second.getId(), new JoinRequest().player("cy"));
        matches.addScore(first.getId(), new ScoreRequest().player("bob").points(3L));
        var scored = matches.addScore(first.getId(), new ScoreRequest().player("bob").points(4L));
        assertEquals(7, scored.getPlayers().get(1).getScore());
        assertEquals("ada", scored.getPlayers().get(0).getPlayer());

        var listed = servers.listMatches(server).getMatches();
        assertEquals(List.of(first.getId(), second.getId()), listed.stream().map(m -> m.getId()).toList(),
                "each match is its own object, listed in creation order");
        assertEquals(List.of("cy"), listed.get(1).getPlayers().stream().map(p -> p.getPlayer()).toList());

        var notJoined = assertThrows(ApiException.class,
                () -> matches.addScore(second.getId(), new ScoreRequest().player("zed").points(1L)));
        assertEquals(409, notJoined.getCode());
        String neverOpened = given().post("/objects/game-match").then().extract().path("id");
        assertEquals(404, assertThrows(ApiException.class, () -> matches.getMatch(neverOpened)).getCode());
    }
}
