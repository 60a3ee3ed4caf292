package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.examples.client.ApiClient;
import dev.cairn.examples.client.ApiException;
import dev.cairn.examples.client.api.CounterApi;
import dev.cairn.examples.client.api.GameMatchApi;
import dev.cairn.examples.client.api.GameServerApi;
import dev.cairn.examples.client.model.IncrementRequest;
import dev.cairn.examples.client.model.JoinRequest;
import dev.cairn.examples.client.model.NewMatchRequest;
import dev.cairn.examples.client.model.ScoreRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A client generated from the examples' contract ({@code src/main/openapi/examples.yaml}) calls live objects. */
@QuarkusTest
class ExamplesContractTest {
    @TestHTTPResource("/")
    URL base;

    private ApiClient client() {
        ApiClient c = new ApiClient();
        c.updateBaseUri(base.toString().replaceAll("/$", ""));
        return c;
    }

    @Test
    void aClientGeneratedFromTheContractCallsALiveCounter() throws Exception {
        CounterApi counters = new CounterApi(client());
        String name = "client-" + UUID.randomUUID();
        assertEquals(5, counters.incrementByName(name, new IncrementRequest().by(5L)).getValue());
        assertEquals(6, counters.incrementByName(name, null).getValue());
        assertEquals(6, counters.valueByName(name).getValue());
        var e = assertThrows(ApiException.class, () -> counters.valueById("not-an-id"));
        assertEquals(400, e.getCode());
    }

    @Test
    void aGameServerCreatesMatchesThatTrackPlayersAndScores() throws Exception {
        GameServerApi servers = new GameServerApi(client());
        GameMatchApi matches = new GameMatchApi(client());
        String server = "server-" + UUID.randomUUID();
        var first = servers.createMatchByName(server, new NewMatchRequest().players(List.of("ada", "bob")));
        var second = servers.createMatchByName(server, null);
        assertEquals(server, first.getServer());
        matches.joinMatchById(second.getId(), new JoinRequest().player("cy"));
        matches.addScoreById(first.getId(), new ScoreRequest().player("bob").points(3L));
        var scored = matches.addScoreById(first.getId(), new ScoreRequest().player("bob").points(4L));
        assertEquals(7, scored.getPlayers().get(1).getScore());
        assertEquals("ada", scored.getPlayers().get(0).getPlayer());

        var listed = servers.listMatchesByName(server).getMatches();
        assertEquals(List.of(first.getId(), second.getId()), listed.stream().map(m -> m.getId()).toList(),
                "each match is its own object, listed in creation order");
        assertEquals(List.of("cy"), listed.get(1).getPlayers().stream().map(p -> p.getPlayer()).toList());

        var notJoined = assertThrows(ApiException.class,
                () -> matches.addScoreById(second.getId(), new ScoreRequest().player("zed").points(1L)));
        assertEquals(409, notJoined.getCode());
        String neverOpened = given().post("/objects/game-match").then().extract().path("id");
        assertEquals(404, assertThrows(ApiException.class, () -> matches.getMatchById(neverOpened)).getCode());
    }
}
