package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's lock: one holder at a time, its pid on record, free again once released. */
class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondLockOfTheSameDirectoryIsRefusedNamingTheDirectoryAndTheHolder() {
        try (DataDirLock held = DataDirLock.acquire(dir, 4242)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> DataDirLock.acquire(dir, 99));
            assertTrue(refused.getMessage().startsWith("cairn.data-dir: " + dir.toAbsolutePath()
                    + " is in use by another Cairn process (pid 4242, which holds "), refused.getMessage());
        }
    }

    @Test
    void aReleasedLockCanBeTakenAgainAndRecordsTheNewHolder() throws Exception {
        DataDirLock.acquire(dir, 1).close();
        try (DataDirLock again = DataDirLock.acquire(dir, 77)) {
            assertEquals("77", Files.readString(dir.resolve(DataDirLock.FILE)).strip());
        }
    }

    @Test
    void aLockFileLeftByAProcessThatDiedHoldsNothing() throws Exception {
        Files.writeString(dir.resolve(DataDirLock.FILE), "123456789\n");
        try (DataDirLock taken = DataDirLock.acquire(dir, 5)) {
            assertEquals("5", Files.readString(dir.resolve(DataDirLock.FILE)).strip());
        }
    }
}
