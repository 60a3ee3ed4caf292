package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EntryTest {
    @Test
    void aWalRangeAndANewFileReadBackAsWritten() {
        Entry wal = Entry.wal(42, 7, "counter/ab/ab.sqlite", 4152, new byte[] {1, 2, 3});
        Entry read = Entry.read(new ByteArrayInputStream(wal.toBytes()));
        assertEquals(Entry.Kind.WAL, read.kind());
        assertEquals(42, read.origin());
        assertEquals(7, read.sequence());
        assertEquals("counter/ab/ab.sqlite", read.file());
        assertEquals(4152, read.walOffset());
        assertArrayEquals(new byte[] {1, 2, 3}, read.wal());

        Entry created = Entry.newFile(42, 8, "chat/00/00.sqlite", new byte[4096], new byte[] {9});
        Entry back = Entry.read(new ByteArrayInputStream(created.toBytes()));
        assertEquals(Entry.Kind.NEW_FILE, back.kind());
        assertEquals(0, back.walOffset());
        assertEquals(4096, back.database().length);
        assertArrayEquals(new byte[] {9}, back.wal());
    }

    @Test
    void anotherVersionOrATruncatedEntryIsRefusedSayingWhy() {
        byte[] bytes = Entry.wal(1, 1, "f", 0, new byte[10]).toBytes();
        byte[] future = bytes.clone();
        future[0] = 2;
        assertEquals("a replicated entry of version 2; this node reads version 1 only: run the same Cairn version on every member",
                assertThrows(IllegalArgumentException.class, () -> Entry.read(new ByteArrayInputStream(future))).getMessage());
        byte[] cut = Arrays.copyOf(bytes, 12);
        assertThrows(IllegalArgumentException.class, () -> Entry.read(new ByteArrayInputStream(cut)));
    }
}
