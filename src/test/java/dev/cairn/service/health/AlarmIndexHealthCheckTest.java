package dev.cairn.service.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.Alarmed;
import dev.cairn.testing.CairnTestKit;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Readiness ({@code /q/health/ready}) needs the node's alarm index to answer. */
class AlarmIndexHealthCheckTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("alarmed", Alarmed.class).freshPerTest().build();

    @Test
    void readinessNeedsTheAlarmIndexToAnswer() {
        var check = new AlarmIndexHealthCheck(cairn.node());
        assertEquals(Status.UP, check.call().getStatus());
        cairn.node().alarmIndex().close();
        var down = check.call();
        assertEquals(Status.DOWN, down.getStatus());
        assertEquals("the alarm index is closed", down.getData().orElseThrow().get("error"));
    }
}
