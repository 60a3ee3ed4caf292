package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cairn.replication.snapshots.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group's live files replaced with a snapshot's copies ({@link GroupFiles#replaceWith}). */
class GroupFilesTest {
    private static final String KEPT = "counter/0a/" + "0a".repeat(32) + ".sqlite";
    private static final String NOT_IN_SNAPSHOT = "counter/1b/" + "1b".repeat(32) + ".sqlite";

    @TempDir
    Path dir;

    /** A published snapshot holding one file, {@link #KEPT} (its bytes are only copied, never read as a database). */
    private Snapshot snapshot() throws Exception {
        Path snapshotDir = dir.resolve("raft/group/sm/snapshot.3_1");
        Files.createDirectories(snapshotDir.resolve(KEPT).getParent());
        Files.write(snapshotDir.resolve(KEPT), "the snapshot's copy of the database".getBytes());
        return new Snapshot(3, 1, snapshotDir, Map.of(KEPT, Files.size(snapshotDir.resolve(KEPT))));
    }

    @Test
    void aGroupsFilesAreReplacedWithTheSnapshotsCopiesAndOtherGroupsFilesKept() throws Exception {
        Snapshot s = snapshot();
        Path live = dir.resolve("live");
        String otherGroups = "counter/ff/" + "ff".repeat(32) + ".sqlite";
        for (String f : List.of(NOT_IN_SNAPSHOT, NOT_IN_SNAPSHOT + "-wal", otherGroups)) {
            Files.createDirectories(live.resolve(f).getParent());
            Files.writeString(live.resolve(f), "uncommitted");
        }
        GroupFiles group = new GroupFiles(live, hex -> !hex.startsWith("ff"));
        assertEquals(2, group.replaceWith(s), "the group's file and its WAL");
        assertFalse(Files.exists(live.resolve(NOT_IN_SNAPSHOT)));
        assertFalse(Files.exists(live.resolve(NOT_IN_SNAPSHOT + "-wal")));
        assertEquals("uncommitted", Files.readString(live.resolve(otherGroups)));
        assertArrayEquals(Files.readAllBytes(s.file(KEPT)), Files.readAllBytes(live.resolve(KEPT)));
        assertFalse(Files.isSameFile(s.file(KEPT), live.resolve(KEPT)), "a copy: live files are written in place");
    }
}
