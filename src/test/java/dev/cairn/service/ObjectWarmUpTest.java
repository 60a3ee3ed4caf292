package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The objects' warm-up a cluster member runs before it says it is ready: real objects on scratch SQLite files. */
class ObjectWarmUpTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path scratch;

    @Test
    void everyScratchObjectCommitsEachCallAndReadsItBack() {
        int answered = ObjectWarmUp.run(new ObjectMapper(), InstantSource.system(), new SplittableRandom(1), LIMIT, scratch);

        assertEquals(ObjectWarmUp.OBJECTS * (ObjectWarmUp.CALLS_PER_OBJECT + 1), answered);
    }
}
