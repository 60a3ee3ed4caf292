package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The SeatBooking example: one winner per seat, releases by the holder only. */
@QuarkusTest
class SeatBookingApiTest {

    private static io.restassured.response.Response book(String event, String seat, String user) {
        return given().contentType(ContentType.JSON).body("{\"user\": \"" + user + "\"}")
                .post("/objects/booking/{e}/seats/{s}", event, seat);
    }

    @Test
    void aHundredConcurrentBookingsOfOneSeatHaveExactlyOneWinner() throws Exception {
        String event = "ev-" + UUID.randomUUID();
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String user = "user" + i;
            attempts.add(() -> book(event, "A1", user).statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(32)) {
            for (Future<Integer> f : pool.invokeAll(attempts)) {
                statuses.add(f.get());
            }
        }
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "exactly one winner: " + statuses);
        assertEquals(99, statuses.stream().filter(s -> s == 409).count(), "every other attempt is told the seat is taken");
        given().get("/objects/booking/{e}/seats", event).then().statusCode(200).body("size()", equalTo(1))
                .body("[0].seat", equalTo("A1"));
    }

    @Test
    void aTakenSeatDoesNotRevealItsHolderAndOnlyTheHolderMayReleaseIt() {
        String event = "ev-" + UUID.randomUUID();
        book(event, "B2", "alice").then().statusCode(200).body("seat", equalTo("B2"));
        book(event, "B2", "alice").then().statusCode(200).body("seat", equalTo("B2"));
        book(event, "B2", "bob").then().statusCode(409).body("type", equalTo("https://cairn.dev/problems/conflict"))
                .body("detail", equalTo("seat B2 of " + event + " is already booked")).body("detail", not(containsString("alice")));
        given().delete("/objects/booking/{e}/seats/B2?user=bob", event).then().statusCode(409);
        given().delete("/objects/booking/{e}/seats/B2?user=alice", event).then().statusCode(204);
        given().delete("/objects/booking/{e}/seats/B2?user=alice", event).then().statusCode(404)
                .body("detail", equalTo("seat B2 of " + event + " is not booked"));
        book(event, "B2", "bob").then().statusCode(200);
    }

    @Test
    void bookingsAreListedInSeatOrderWithoutHolders() {
        String event = "ev-" + UUID.randomUUID();
        book(event, "C3", "x").then().statusCode(200);
        book(event, "A1", "y").then().statusCode(200);
        var list = given().get("/objects/booking/{e}/seats", event).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("A1", "C3"), list.getList("seat"));
        assertEquals(2, list.getList("bookedAt").size());
        assertEquals((Object) null, list.get("[0].user"));
    }

    @Test
    void seatsAndUsersOutsideTheContractAre400AndBookNothing() {
        String event = "ev-" + UUID.randomUUID();
        book(event, "no spaces", "u").then().statusCode(400);
        book(event, "A1", "").then().statusCode(400);
        given().delete("/objects/booking/{e}/seats/A1", event).then().statusCode(400);
        given().get("/objects/booking/{e}/seats", event).then().statusCode(200).body("size()", equalTo(0));
    }
}
