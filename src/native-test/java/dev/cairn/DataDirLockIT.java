package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process per data directory: a second Cairn on a directory in use stops at once and says who holds it. */
class DataDirLockIT {
    @TempDir
    Path data;

    @Test
    void aSecondProcessOnADataDirectoryInUseExitsNamingTheDirectoryAndTheHoldersPid() throws Exception {
        try (CairnProcess first = CairnProcess.start(data).awaitListening()) {
            long started = System.nanoTime();
            try (CairnProcess second = CairnProcess.start(data)) {
                OptionalInt exit = second.awaitExit(Duration.ofSeconds(30));
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("DataDirLockIT: the second process exited %s ms after it was started%n", tookMs);
                assertTrue(exit.isPresent(), "the second process still runs:\n" + second.output());
                assertNotEquals(0, exit.getAsInt(), second.output());
                assertTrue(second.output().contains(data.toAbsolutePath() + " is in use by another Cairn process (pid " + first.pid()),
                        second.output());
            }
            assertEquals(200, first.send("POST", "/objects/counter/still-served/increment", "{}").statusCode(),
                    "the first process goes on serving");
        }
        try (CairnProcess next = CairnProcess.start(data).awaitListening()) {
            assertEquals(200, next.send("GET", "/objects/counter/still-served", null).statusCode(),
                    "a process started after the holder died takes the directory: the kernel dropped the lock");
        }
    }
}
