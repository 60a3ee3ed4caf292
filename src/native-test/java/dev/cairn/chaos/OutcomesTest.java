package dev.cairn.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

/** Which answers to an increment make it certain (applied or not) and which leave it unknown. */
class OutcomesTest {
    private static String problem(String type, String detail) {
        return "{\"type\":\"https://cairn.dev/problems/" + type + "\",\"status\":503,\"detail\":\"" + detail + "\",\"retryable\":true}";
    }

    @Test
    void a200IsAcknowledgedWithItsValueAndTheOwnerThatServedIt() {
        assertEquals(new Outcome.Acked(7, "n2"), Outcomes.ofAnswer(200, "n2", "{\"value\":7}"));
        assertEquals(new Outcome.Unknown("200 without an integer value: {}"), Outcomes.ofAnswer(200, "n2", "{}"));
    }

    @Test
    void a4xxAndThe503sAnsweredBeforeTheCallRanAreFailed() {
        assertEquals(new Outcome.Failed("400 validation"), Outcomes.ofAnswer(400, null, "{\"type\":\"https://cairn.dev/problems/validation\"}"));
        assertEquals(new Outcome.Failed("429 too-many-requests"),
                Outcomes.ofAnswer(429, null, "{\"type\":\"https://cairn.dev/problems/too-many-requests\"}"));
        for (String type : new String[] {"overloaded", "shutting-down", "misdirected", "not-leader"}) {
            assertEquals(new Outcome.Failed("503 " + type), Outcomes.ofAnswer(503, null, problem(type, "retry")), type);
        }
        assertEquals(new Outcome.Failed("503 owner-unreachable"), Outcomes.ofAnswer(503, null, problem("owner-unreachable",
                "object shard 3 is owned by node n2 at http://127.0.0.1:1, which cannot be reached (Connection refused); retry later")));
    }

    @Test
    void a503AfterTheCallWentOutAndEveryOther5xxAreUnknown() {
        assertEquals(new Outcome.Unknown("503 owner-unreachable"), Outcomes.ofAnswer(503, null, problem("owner-unreachable",
                "object shard 3 is owned by node n2 at http://127.0.0.1:1, which sent nothing for 30000 ms (cairn.cluster.forward-timeout); retry later")));
        assertEquals(new Outcome.Unknown("503 commit-failed"), Outcomes.ofAnswer(503, null, problem("commit-failed", "fsync failed")));
        assertEquals(new Outcome.Unknown("503 commit-uncertain"), Outcomes.ofAnswer(503, null, problem("commit-uncertain",
                "this node lost the leadership of group 2 while replicating the call's writes")));
        assertEquals(new Outcome.Unknown("500 object-error"), Outcomes.ofAnswer(500, null, "{\"type\":\"https://cairn.dev/problems/object-error\"}"));
        assertEquals(new Outcome.Unknown("502 (no problem type)"), Outcomes.ofAnswer(502, null, "<html>bad gateway</html>"));
    }

    @Test
    void noConnectionIsFailedAndATimeoutOrALostConnectionUnknown() {
        assertEquals(new Outcome.Failed("connection refused"), Outcomes.ofFailure(new ConnectException("Connection refused")));
        assertEquals(new Outcome.Failed("connect timeout"), Outcomes.ofFailure(new HttpConnectTimeoutException("HTTP connect timed out")));
        assertEquals(new Outcome.Unknown("timeout"), Outcomes.ofFailure(new HttpTimeoutException("request timed out")));
        assertEquals(new Outcome.Unknown("IOException: Connection reset"), Outcomes.ofFailure(new IOException("Connection reset")));
    }
}
