package dev.cairn;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics of the packaged service (jar, or native binary with -Dnative): the endpoints
 * a deployment probes and scrapes answer there too, with Cairn's own checks and meters. A call counted
 * in the metrics: {@code dev.cairn.examples.CounterMetricsIT}.
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
    void theNodesMetricsAreScraped() {
        MetricsScrape scrape = MetricsScrape.now(); // Prometheus text
        for (String gauge : new String[] {"cairn_objects_active", "cairn_mailbox_queued", "cairn_mailbox_queued_max"}) {
            assertTrue(scrape.value(gauge) >= 0, gauge);
        }
    }
}
