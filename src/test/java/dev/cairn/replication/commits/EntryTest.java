package dev.cairn.replication.commits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.storage.AlarmChange;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EntryTest {
    @Test
    void severalCommitsReadBackAsWrittenInOrder() {
        Entry wal = Entry.wal(42, 7, "counter/ab/ab.sqlite", 4152, new byte[] {1, 2, 3}, AlarmChange.UNCHANGED);
        Entry created = Entry.newFile(42, 8, "chat/00/00.sqlite", new byte[4096], new byte[] {9},
                new AlarmChange.Set(1_800_000_000_000L, Optional.of("röom-1")));
        Entry deleted = Entry.wal(43, 1, "counter/cd/cd.sqlite", 0, new byte[] {4}, AlarmChange.DELETED);
        Entry unnamed = Entry.wal(43, 2, "counter/ef/ef.sqlite", 0, new byte[] {5}, new AlarmChange.Set(7, Optional.empty()));

        List<Entry> read = Entry.read(new ByteArrayInputStream(Entry.toBytes(List.of(wal, created, deleted, unnamed))));

        assertEquals(4, read.size());
        Entry first = read.get(0);
        assertEquals(Entry.Kind.WAL, first.kind());
        assertEquals(42, first.origin());
        assertEquals(7, first.sequence());
        assertEquals("counter/ab/ab.sqlite", first.file());
        assertEquals(4152, first.walOffset());
        assertArrayEquals(new byte[] {1, 2, 3}, first.wal());
        Entry second = read.get(1);
        assertEquals(Entry.Kind.NEW_FILE, second.kind());
        assertEquals(8, second.sequence());
        assertEquals(0, second.walOffset());
        assertEquals(4096, second.database().length);
        assertArrayEquals(new byte[] {9}, second.wal());
        assertEquals(List.of(Optional.of(AlarmChange.UNCHANGED), Optional.of(new AlarmChange.Set(1_800_000_000_000L, Optional.of("röom-1"))),
                Optional.of(AlarmChange.DELETED), Optional.of(new AlarmChange.Set(7, Optional.empty()))),
                read.stream().map(Entry::alarm).toList(), "each commit's alarm change");
    }

    @Test
    void commitsOfAnEntryOfVersion2ReadWithTheirAlarmsUnrecorded() {
        byte[] name = "counter/ab/ab.sqlite".getBytes(StandardCharsets.UTF_8);
        ByteBuffer v2 = ByteBuffer.allocate(1 + 4 + 8 + 8 + 2 + name.length + 1 + 8 + 4 + 2);
        v2.put((byte) 2).putInt(1).putLong(42).putLong(7).putShort((short) name.length).put(name).put((byte) 1).putLong(4152).putInt(2)
                .put(new byte[] {5, 6});

        List<Entry> read = Entry.read(new ByteArrayInputStream(v2.array()));

        assertEquals(1, read.size());
        assertArrayEquals(new byte[] {5, 6}, read.getFirst().wal());
        assertEquals(Optional.empty(), read.getFirst().alarm());
    }

    @Test
    void anEntryOfOneCommitAsEarlierVersionsWroteItStillReads() {
        byte[] name = "counter/ab/ab.sqlite".getBytes(StandardCharsets.UTF_8);
        ByteBuffer v1 = ByteBuffer.allocate(1 + 8 + 8 + 2 + name.length + 1 + 8 + 4 + 2);
        v1.put((byte) 1).putLong(42).putLong(7).putShort((short) name.length).put(name).put((byte) 1).putLong(4152).putInt(2)
                .put(new byte[] {5, 6});

        List<Entry> read = Entry.read(new ByteArrayInputStream(v1.array()));

        assertEquals(1, read.size());
        assertEquals("counter/ab/ab.sqlite", read.getFirst().file());
        assertEquals(4152, read.getFirst().walOffset());
        assertArrayEquals(new byte[] {5, 6}, read.getFirst().wal());
        assertEquals(Optional.empty(), read.getFirst().alarm());
    }

    @Test
    void anotherVersionOrATruncatedEntryIsRefusedSayingWhy() {
        byte[] bytes = Entry.toBytes(List.of(Entry.wal(1, 1, "f", 0, new byte[10], AlarmChange.UNCHANGED)));
        byte[] future = bytes.clone();
        future[0] = 4;
        assertEquals("a replicated entry of version 4; this node reads versions 1 to 3 only: run the same Cairn version on every member",
                assertThrows(IllegalArgumentException.class, () -> Entry.read(new ByteArrayInputStream(future))).getMessage());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
        assertThrows(IllegalArgumentException.class, () -> Entry.read(new ByteArrayInputStream(cut)));
    }
}
