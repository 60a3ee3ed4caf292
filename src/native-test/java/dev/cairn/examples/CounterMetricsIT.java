package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.MetricsScrape;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A call to a counter of the packaged service (jar, or native binary with -Dnative), counted and committed in its metrics. */
@QuarkusIntegrationTest
class CounterMetricsIT {

    @Test
    void aCallIsCountedAndCommittedInTheScrapedMetrics() {
        String name = "hm-" + UUID.randomUUID();
        MetricsScrape before = MetricsScrape.now();
        given().post("/objects/counter/{n}/increment", name).then().statusCode(200).body("value", equalTo(1));
        MetricsScrape after = MetricsScrape.now();

        assertEquals(1, after.calls("counter", "ok") - before.calls("counter", "ok"));
        String[] counter = {"namespace", "counter"};
        assertEquals(1, after.value("cairn_commit_seconds_count", counter) - before.value("cairn_commit_seconds_count", counter));
        assertEquals(0, after.value("cairn_sockets_open", counter), "the socket gauge is there; counters take no sockets");
    }
}
