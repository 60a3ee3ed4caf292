package dev.cairn.service.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.cairn.ReadOnlyDirs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/health}: live while the process serves; ready only while the data directory takes a
 * durable write. Runs on its own data directory (a profile of its own), which it makes unwritable.
 */
@QuarkusTest
@TestProfile(HealthTest.OwnDataDir.class)
class HealthTest {
    static final String DATA_DIR = "target/test-data-health";

    public static final class OwnDataDir implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cairn.data-dir", DATA_DIR);
        }
    }

    @Test
    void liveAndReadyWhenTheDataDirectoryIsWritable() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'cairn-replicas' }.status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(DataDirHealthCheck.NAME))
                .body("checks.name", hasItem(ReplicasHealthCheck.NAME))
                .body("checks.find { it.name == 'cairn-alarm-index' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'cairn-data-dir' }.data.path", endsWith(DATA_DIR));
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void notReadyButStillLiveWhileTheDataDirectoryRefusesWrites() throws Exception {
        Path data = Path.of(DATA_DIR);
        Path aside = Path.of(DATA_DIR + "-aside");
        boolean readOnly = ReadOnlyDirs.make(data);
        if (!readOnly) { // no way to make it read-only here: put a plain file in its place instead
            Files.move(data, aside);
            Files.writeString(data, "not a directory");
        }
        try {
            given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'cairn-data-dir' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'cairn-data-dir' }.data.error", startsWith("cannot write to "));
            given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            if (readOnly) {
                ReadOnlyDirs.restore(data);
            } else {
                Files.delete(data);
                Files.move(aside, data);
            }
        }
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
