package dev.cairn.forwarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.Result;
import dev.cairn.api.StorageException;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import dev.cairn.rest.model.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What one node's {@link Problems} writes, another reads back as the exception a local call would have thrown. */
class RemoteAnswersTest {
    private final ObjectMapper json = new ObjectMapper();
    private final RemoteAnswers answers = new RemoteAnswers(json);

    private RuntimeException roundTrip(Throwable failure) throws Exception {
        Problem p = Problems.ofFailure(failure, "/objects/counter/c/increment");
        return answers.failure("n2", "POST http://n2/objects/counter/c/increment", p.getStatus(), json.writeValueAsBytes(p));
    }

    @Test
    void anObjectsRefusalComesBackWithItsStatusAndMessage() throws Exception {
        for (Refusal.Status status : Refusal.Status.values()) {
            Refusal back = assertInstanceOf(Refusal.class, roundTrip(Refusal.of(status, "because " + status)));
            assertEquals(status, back.status());
            assertEquals("because " + status, back.getMessage());
        }
    }

    @Test
    void overloadShutdownAndFailedCommitsStayRetryable() throws Exception {
        var overloaded = assertInstanceOf(OverloadedException.class, roundTrip(new OverloadedException("Too many requests queued", false)));
        assertEquals("Too many requests queued", overloaded.getMessage());
        assertTrue(assertInstanceOf(OverloadedException.class, roundTrip(new OverloadedException("stopping", true))).shuttingDown());
        var commit = assertInstanceOf(StorageException.class, roundTrip(new StorageException("disk full", null, true)));
        assertTrue(commit.retryable());
    }

    @Test
    void anObjectsFailureIsAnObjectExceptionWithItsMessage() throws Exception {
        var failed = assertInstanceOf(ObjectException.class, roundTrip(new ObjectException("boom", new IllegalStateException("boom"))));
        assertEquals("boom", failed.getMessage());
        var limited = roundTrip(new ObjectException("value too large (cairn.storage.max-value-bytes)",
                StorageException.limit("cairn.storage.max-value-bytes", "value too large", null)));
        assertInstanceOf(ObjectException.class, limited, "a storage limit is the object's failure, not a refusal");
    }

    @Test
    void anEventPastItsTimeLimitComesBackAsSuchWithWhetherItMayBeSentAgain() throws Exception {
        var own = assertInstanceOf(EventTimeoutException.class,
                roundTrip(new EventTimeoutException("the call of x ran past its time limit", EventTimeoutException.Role.THIS_EVENT)));
        assertEquals("the call of x ran past its time limit", own.getMessage());
        assertFalse(own.retryable());
        var batch = assertInstanceOf(EventTimeoutException.class,
                roundTrip(new EventTimeoutException("another event ran past its time limit", EventTimeoutException.Role.SAME_BATCH)));
        assertTrue(batch.retryable());
    }

    @Test
    void aRequestTheOwnerFindsWrongIsABadArgument() throws Exception {
        var bad = roundTrip(new IllegalArgumentException("by: must be at least -1000000, got -2000000"));
        assertEquals("by: must be at least -1000000, got -2000000", assertInstanceOf(IllegalArgumentException.class, bad).getMessage());
    }

    @Test
    void anAnswerThatIsNoProblemNamesTheNodeAndWhatItSaid() {
        var e = answers.failure("n2", "GET http://n2/x", 502, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8));
        assertEquals("node n2 answered 502 to GET http://n2/x without a problem body: <html>bad gateway</html>",
                assertInstanceOf(IllegalStateException.class, e).getMessage());
        var internal = answers.failure("n2", "GET http://n2/x", 404, ("{\"type\":\"" + ProblemType.NOT_FOUND.uri()
                + "\",\"status\":404,\"detail\":\"no such namespace, operation or resource: /x\",\"remote\":false}").getBytes(StandardCharsets.UTF_8));
        assertEquals("node n2 answered 404 (https://cairn.dev/problems/not-found) to GET http://n2/x: no such namespace, operation or resource: /x",
                assertInstanceOf(IllegalStateException.class, internal).getMessage());
    }

    @Test
    void resultsAreReadAsTheirShape() throws Exception {
        byte[] body = "[{\"a\":[1,2]},{\"b\":[]}]".getBytes(StandardCharsets.UTF_8);
        List<Map<String, List<Long>>> read = answers.result(Result.listOf(Result.mapOf(Result.listOf(Long.class))), 200, body);
        assertEquals(List.of(Map.of("a", List.of(1L, 2L)), Map.of("b", List.of())), read);
        assertNull(answers.result(Result.of(String.class), 204, new byte[0]));
        assertNull(answers.result(Result.none(), 200, "{}".getBytes(StandardCharsets.UTF_8)));
    }
}
