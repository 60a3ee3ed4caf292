package dev.cairn.service;

import dev.cairn.forwarding.ForwardingHeaders;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Without {@code cairn.cluster.members} the node is a single node: every object here, nothing forwarded. */
@QuarkusTest
class SingleNodeClusterTest {
    @Test
    void clusterDescribesASingleNode() {
        given().get("/cluster").then().statusCode(200)
                .body("node", equalTo("local")).body("mode", equalTo("single")).body("shards", equalTo(0))
                .body("members", empty()).body("owners", empty());
    }

    @Test
    void objectAnswersNameNoOwnerAndTheReadinessCheckIsUp() {
        given().get("/objects/counter/single-node").then().statusCode(200).header(ForwardingHeaders.OWNER, nullValue());
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'cairn-cluster' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'cairn-cluster' }.data.mode", equalTo("single"));
    }
}
