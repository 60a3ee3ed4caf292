package dev.cairn.storage.wal;

import dev.cairn.storage.wal.WalFrames.Frame;
import dev.cairn.storage.wal.WalFrames.Transaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Owned by the thread that opened it: a SQLite database file written page by page outside SQLite, the
 * way a checkpoint does (page n at {@code (n - 1) * pageSize}, the file cut or extended to the
 * database's size), for replicas and rollbacks.
 */
final class DatabaseFile implements AutoCloseable {
    private final FileChannel channel;
    private final int pageSize;

    private DatabaseFile(FileChannel channel, int pageSize) {
        this.channel = channel;
        this.pageSize = pageSize;
    }

    static DatabaseFile open(Path file, int pageSize) throws IOException {
        return new DatabaseFile(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), pageSize);
    }

    /**
     * The page size a database file's header names (bytes 16-17, big-endian; 1 means 65536). Refuses a
     * file too short to hold a header or naming an impossible size.
     */
    static int pageSizeOf(Path file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(18);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            if (c.size() < 100) {
                throw new IllegalArgumentException(file + " is not a SQLite database: it holds " + c.size()
                        + " bytes, less than a database header (100)");
            }
            readFully(c, header, 0);
        }
        int size = Short.toUnsignedInt(header.getShort(16));
        if (size == 1) {
            size = 65536;
        }
        if (size < 512 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException(file + " is not a SQLite database: its header names page size " + size);
        }
        return size;
    }

    /** Writes the transaction's pages in log order (a later frame of a page wins) and sets the file to its size. */
    void apply(Transaction transaction) throws IOException {
        for (Frame f : transaction.frames()) {
            writePage(f.pageNumber(), f.page());
        }
        resize(transaction.databasePages() * pageSize);
    }

    void writePage(int number, ByteBuffer page) throws IOException {
        ByteBuffer b = page.duplicate();
        long at = (Integer.toUnsignedLong(number) - 1) * pageSize;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
    }

    /** Page {@code number} as the file holds it now; the file must reach that far. */
    ByteBuffer readPage(int number) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(pageSize);
        readFully(channel, page, (Integer.toUnsignedLong(number) - 1) * pageSize);
        return page.flip();
    }

    long size() throws IOException {
        return channel.size();
    }

    /**
     * Cuts or extends the file to {@code bytes}. Extending leaves zeros, as SQLite's checkpoint does
     * (ftruncate) and as SQLite reads a page that was never written.
     */
    void resize(long bytes) throws IOException {
        long size = channel.size();
        if (bytes < size) {
            channel.truncate(bytes);
        } else if (bytes > size) {
            channel.write(ByteBuffer.allocate(1), bytes - 1);
        }
    }

    void force() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void readFully(FileChannel c, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            int n = c.read(into, at + into.position());
            if (n < 0) {
                throw new IllegalArgumentException("the file ends at byte " + (at + into.position()) + ", before the "
                        + into.capacity() + " bytes wanted from byte " + at);
            }
        }
    }
}
