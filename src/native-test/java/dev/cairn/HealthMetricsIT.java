package dev.cairn;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics of the packaged service (jar, or native binary with -Dnative): the endpoints
 * a deployment probes and scrapes answer there too, with Cairn's own checks and meters.
 */
@QuarkusIntegrationTest
class HealthMetricsIT {

    @Test
    void liveAndReadyWithCairnsOwnChecks() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'cairn-data-dir' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'cairn-alarm-index' }.status", equalTo("UP"));
    }

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
