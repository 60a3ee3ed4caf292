package dev.cairn.storage.log;

import static dev.cairn.storage.log.LogFiles.CHECKED;
import static dev.cairn.storage.log.LogFiles.HEADER;
import static dev.cairn.storage.log.LogFiles.SUFFIX;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * Crash recovery of the commit log, at start-up before any database opens: what a machine crash may
 * have left only in the log goes back into the WALs (see {@link CommitLog} for why that is safe).
 * Stateless.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class);

    private Recovery() {}

    /**
     * Writes every record left in {@code <dataDir>/commit-log/} back into its WAL, in log order, makes
     * the WALs durable and deletes the segments. Records of a database that no longer exists are
     * skipped (a WAL must not appear without its database). A torn record ends its segment: it was
     * never acknowledged. Returns how many records were replayed.
     */
    static int recover(Path dataDir) throws IOException {
        Path root = dataDir.toAbsolutePath();
        Path dir = root.resolve("commit-log");
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && !LogFiles.isSpare(p)).sorted().toList();
        }
        if (segments.isEmpty()) {
            return 0;
        }
        Map<Path, FileChannel> wals = new HashMap<>();
        Set<Path> created = new HashSet<>();
        int replayed = 0;
        int skipped = 0;
        try {
            for (Path segment : segments) {
                try (InputStream in = Files.newInputStream(segment)) {
                    Record r;
                    long number = Long.parseLong(segment.getFileName().toString().replace(SUFFIX, ""));
                    while ((r = Record.read(in, number)) != null) {
                        Path db = root.resolve(r.name);
                        if (!Files.exists(db)) {
                            skipped++;
                            continue;
                        }
                        Path walPath = db.resolveSibling(db.getFileName() + "-wal");
                        FileChannel wal = wals.get(walPath);
                        if (wal == null) {
                            if (!Files.exists(walPath)) {
                                created.add(walPath.getParent());
                            }
                            wal = FileChannel.open(walPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                            wals.put(walPath, wal);
                        }
                        ByteBuffer data = ByteBuffer.wrap(r.data);
                        long at = r.offset;
                        while (data.hasRemaining()) {
                            at += wal.write(data, at);
                        }
                        replayed++;
                    }
                }
            }
            for (FileChannel wal : wals.values()) {
                wal.force(false);
            }
            for (Path d : created) {
                LogFiles.forceDirectory(d);
            }
        } finally {
            for (FileChannel wal : wals.values()) {
                wal.close();
            }
        }
        for (Path segment : segments) {
            Files.delete(segment);
        }
        LogFiles.forceDirectory(dir);
        LOG.infof("commit log: replayed %d records from %d segments into %d WALs%s", replayed, segments.size(), wals.size(),
                skipped == 0 ? "" : " (" + skipped + " records of databases that no longer exist skipped)");
        return replayed;
    }

    /** One record as read back by {@link #recover}. */
    private record Record(String name, long offset, byte[] data) {
        /**
         * The next record of segment {@code number}, or null where the segment ends: at the end of the
         * file, at a record of the file's previous use (another number; zeros in a fresh file), or at a
         * torn record (written as the machine stopped, never acknowledged).
         */
        static Record read(InputStream in, long number) throws IOException {
            byte[] head = in.readNBytes(CHECKED);
            if (head.length < CHECKED) {
                return null;
            }
            ByteBuffer h = ByteBuffer.wrap(head);
            int length = h.getInt(0);
            if (h.getLong(8) != number || length < HEADER - 8) {
                return null;
            }
            byte[] rest = in.readNBytes(length - 8);
            CRC32C crc = new CRC32C();
            crc.update(rest);
            if (rest.length < length - 8 || (int) crc.getValue() != h.getInt(4)) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(rest);
            long offset = b.getLong();
            int nameLength = Short.toUnsignedInt(b.getShort());
            String name = new String(rest, 10, nameLength, StandardCharsets.UTF_8);
            byte[] data = new byte[rest.length - 10 - nameLength];
            b.position(10 + nameLength);
            b.get(data);
            return new Record(name, offset, data);
        }
    }
}
