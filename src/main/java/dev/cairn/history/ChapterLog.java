package dev.cairn.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The records of one chapter of an object's history ({@code <chapter>.log}): each commit's WAL bytes
 * as its database appended them, and a marker when the database closed. Owned by the object's thread
 * while it writes; read by a restore, before the database opens.
 *
 * <p>A record: length of the rest, CRC32C of what follows it, commit number, time (epoch ms), WAL offset
 * (−1 for the closing marker), then the bytes (for the marker: the database file's size and
 * modification time once closed). Records are only appended; a torn last record (the process died
 * while writing it) ends the log.
 */
final class ChapterLog implements AutoCloseable {
    static final int HEADER = 4 + 4 + 8 + 8 + 8;
    private static final long CLOSED = -1;
    /** Most WAL bytes read and written at once when pending commits are copied. */
    private static final long BATCH_BYTES = 1 << 20;

    /** One record as found in the log; its bytes are at {@code position}, {@code length} long. */
    record Entry(long commit, long timeMillis, long walOffset, long position, int length) {
        boolean isCommit() {
            return walOffset != CLOSED;
        }
    }

    /** The database file's size and modification time when it closed: unchanged at the next open, the log goes on. */
    record ClosedFile(long size, long modifiedMillis) {
        /** How {@code file} is now (a missing file has size and time −1). */
        static ClosedFile of(Path file) throws IOException {
            if (!java.nio.file.Files.exists(file)) {
                return new ClosedFile(-1, -1);
            }
            return new ClosedFile(java.nio.file.Files.size(file), java.nio.file.Files.getLastModifiedTime(file).toMillis());
        }
    }

    private final FileChannel channel;
    private long end;
    private ByteBuffer buffer = ByteBuffer.allocate(64 << 10);

    private ChapterLog(FileChannel channel, long end) {
        this.channel = channel;
        this.end = end;
    }

    /** A new, empty log at {@code path} (replacing any). */
    static ChapterLog create(Path path) throws IOException {
        return new ChapterLog(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ), 0);
    }

    /** The log at {@code path}, to append after its last whole record {@code validEnd} (what follows is cut off). */
    static ChapterLog reopen(Path path, long validEnd) throws IOException {
        FileChannel c = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        c.truncate(validEnd);
        return new ChapterLog(c, validEnd);
    }

    /** Bytes written so far. */
    long size() {
        return end;
    }

    /** Appends the bytes from {@code start} to {@code end} of {@code wal}, as commit {@code commit}. */
    void appendCommit(long commit, long timeMillis, FileChannel wal, long start, long walEnd) throws IOException {
        int length = Math.toIntExact(walEnd - start);
        ByteBuffer record = take(HEADER + length);
        record.position(8);
        record.putLong(commit).putLong(timeMillis).putLong(start);
        while (record.hasRemaining()) {
            if (wal.read(record, start + record.position() - HEADER) < 0) {
                throw new IOException("the WAL ended before offset " + walEnd);
            }
        }
        write(record);
    }

    /**
     * Appends {@code commits}, oldest first, their bytes read from {@code wal}: commits whose bytes lie
     * one after another are read and written together, up to {@link #BATCH_BYTES} at a time.
     */
    void appendCommits(FileChannel wal, List<PendingCommits.Commit> commits) throws IOException {
        int from = 0;
        while (from < commits.size()) {
            int to = from + 1;
            long span = commits.get(from).bytes();
            while (to < commits.size() && commits.get(to).walStart() == commits.get(to - 1).walEnd()
                    && span + commits.get(to).bytes() <= BATCH_BYTES) {
                span += commits.get(to).bytes();
                to++;
            }
            appendContiguous(wal, commits.subList(from, to), span);
            from = to;
        }
    }

    /** Commits whose bytes lie one after another in the WAL, {@code span} bytes in all: one read, one write. */
    private void appendContiguous(FileChannel wal, List<PendingCommits.Commit> commits, long span) throws IOException {
        long walStart = commits.getFirst().walStart();
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(span));
        while (bytes.hasRemaining()) {
            if (wal.read(bytes, walStart + bytes.position()) < 0) {
                throw new IOException("the WAL ended before offset " + (walStart + span));
            }
        }
        ByteBuffer records = ByteBuffer.allocate(Math.toIntExact(span + (long) HEADER * commits.size()));
        CRC32C crc = new CRC32C();
        for (PendingCommits.Commit c : commits) {
            int start = records.position();
            int length = Math.toIntExact(c.bytes());
            records.position(start + 8);
            records.putLong(c.commit()).putLong(c.timeMillis()).putLong(c.walStart());
            records.put(bytes.slice(Math.toIntExact(c.walStart() - walStart), length));
            crc.reset();
            crc.update(records.slice(start + 8, HEADER - 8 + length));
            records.putInt(start, HEADER - 4 + length).putInt(start + 4, (int) crc.getValue());
        }
        records.flip();
        while (records.hasRemaining()) {
            end += channel.write(records, end);
        }
    }

    /** Appends the closing marker: the database closed after commit {@code commit}, its file as {@code file}. */
    void appendClosed(long commit, long timeMillis, ClosedFile file) throws IOException {
        ByteBuffer record = take(HEADER + 16);
        record.position(8);
        record.putLong(commit).putLong(timeMillis).putLong(CLOSED).putLong(file.size()).putLong(file.modifiedMillis());
        write(record);
    }

    private ByteBuffer take(int bytes) {
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocate(Math.max(bytes, buffer.capacity() * 2));
        }
        return buffer.clear().limit(bytes);
    }

    private void write(ByteBuffer record) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(record.flip().position(8));
        record.putInt(0, record.limit() - 4).putInt(4, (int) crc.getValue()).position(0);
        while (record.hasRemaining()) {
            end += channel.write(record, end);
        }
    }

    /** Makes what was appended durable. */
    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * The whole records of the log at {@code path}, in order. Only the last one's checksum is
     * verified here (records are only appended: only the last can be torn); {@link #bytes} verifies
     * the others when it reads them.
     */
    static List<Entry> entries(Path path) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            List<Entry> entries = new ArrayList<>();
            long size = c.size();
            long at = 0;
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            while (at + HEADER <= size) {
                head.clear();
                readFully(c, head, at);
                int length = head.getInt(0);
                if (length < HEADER - 4 || at + 4 + length > size) {
                    break;
                }
                entries.add(new Entry(head.getLong(8), head.getLong(16), head.getLong(24), at + HEADER, length + 4 - HEADER));
                at += 4 + length;
            }
            while (!entries.isEmpty() && !intact(c, entries.getLast())) {
                entries.removeLast();
            }
            return entries;
        }
    }

    /** Where the whole records of {@code entries} end. */
    static long end(List<Entry> entries) {
        return entries.isEmpty() ? 0 : entries.getLast().position() + entries.getLast().length();
    }

    /** The closing marker's account of the database file. */
    static ClosedFile closedFile(Path path, Entry marker) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes(path, marker));
        return new ClosedFile(b.getLong(), b.getLong());
    }

    /** The bytes of {@code entry}, verified against its checksum. */
    static byte[] bytes(Path path, Entry entry) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            return bytes(c, entry);
        }
    }

    static byte[] bytes(FileChannel c, Entry entry) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(HEADER + entry.length());
        long start = entry.position() - HEADER;
        readFully(c, record, start);
        CRC32C crc = new CRC32C();
        crc.update(record.flip().position(8));
        if ((int) crc.getValue() != record.getInt(4)) {
            throw new IOException("history record at " + start + " is damaged (checksum mismatch)");
        }
        byte[] data = new byte[entry.length()];
        record.get(HEADER, data);
        return data;
    }

    private static void readFully(FileChannel c, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (c.read(into, at + into.position()) < 0) {
                throw new IOException("history record at " + at + " is cut short");
            }
        }
    }

    private static boolean intact(FileChannel c, Entry entry) throws IOException {
        try {
            bytes(c, entry);
            return true;
        } catch (IOException torn) {
            return false;
        }
    }
}
