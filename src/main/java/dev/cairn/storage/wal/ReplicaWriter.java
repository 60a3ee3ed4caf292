package dev.cairn.storage.wal;

import dev.cairn.storage.wal.WalFrames.Chain;
import dev.cairn.storage.wal.WalFrames.Transaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Owned by one thread, the Raft group's apply thread: keeps a follower's copies of database files from
 * the WAL bytes their leader's commits appended, without SQLite (a follower file has no WAL of its own).
 * Each complete transaction's pages are written where a checkpoint would write them and the file is
 * cut to the database size its commit frame records; frames of a transaction whose commit frame has
 * not arrived are held in memory, so after every call a file holds whole transactions only.
 *
 * <p>What is verified: a generation seen from its start (offset 0, the WAL header) is read as SQLite
 * reads it, salts and cumulative checksums. Bytes at a later offset continue what is held for the file
 * and must continue its checksums. Any other offset (this writer restarted in mid-generation, older
 * entries replayed over a newer file) starts at a frame boundary (the page size taken from the
 * database file's header) and is matched on the salts of its first frame alone: the checksum before it
 * is unknown. Such bytes must start a transaction, which every entry does except the later pieces of a
 * commit handed over in several; bytes missing in the middle of a generation are refused.
 *
 * <p>Replaying entries again in order converges to the same file: a file's first entry carries its
 * initial bytes ({@link #create}), each generation starts again at offset 0, and the pages of a
 * transaction are the same whenever they are written. Writes reach the disk at {@link #sync}.
 */
public final class ReplicaWriter {
    private final Path dataDir;
    /** Per file (its normalized path relative to the data directory): how far its leader's current WAL is read. */
    private final Map<Path, ReplicaWal> wals = new HashMap<>();
    private final Set<Path> unsyncedFiles = new LinkedHashSet<>();
    /** Directories that gained an entry (a new file or directory) since the last sync. */
    private final Set<Path> unsyncedDirectories = new LinkedHashSet<>();

    public ReplicaWriter(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    /**
     * A database file holding {@code databaseBytes} (a new file's initial bytes), replacing any, its
     * parent directories created; what was held of the file's WAL is dropped.
     */
    public void create(String relativePath, byte[] databaseBytes) throws IOException {
        Path relative = relative(relativePath);
        Path file = dataDir.resolve(relative);
        if (!Files.exists(file)) {
            unsyncedDirectories.add(file.getParent());
            for (Path dir = file.getParent(); !Files.isDirectory(dir); dir = dir.getParent()) {
                unsyncedDirectories.add(dir.getParent());
            }
            Files.createDirectories(file.getParent());
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(databaseBytes);
            while (b.hasRemaining()) {
                c.write(b, b.position());
            }
        }
        wals.remove(relative);
        unsyncedFiles.add(file);
    }

    /**
     * Applies the bytes the leader's WAL held at {@code walOffset}: offset 0 starts a new generation with
     * its header; a later offset continues the current one. Refuses, naming the file and offset, bytes
     * that are not WAL frames of the file's generation (nothing is written then).
     */
    public void apply(String relativePath, long walOffset, byte[] walBytes) throws IOException {
        Path relative = relative(relativePath);
        Path file = dataDir.resolve(relative);
        ReplicaWal.Fed fed;
        try {
            fed = read(file, wals.get(relative), walOffset, ByteBuffer.wrap(walBytes));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot apply the " + walBytes.length + " WAL bytes at offset " + walOffset
                    + " to " + relativePath + ": " + e.getMessage(), e);
        }
        if (!fed.complete().isEmpty()) {
            try (DatabaseFile db = DatabaseFile.open(file, fed.next().chain().pageSize())) {
                for (Transaction t : fed.complete()) {
                    db.apply(t);
                }
            }
            unsyncedFiles.add(file);
        }
        wals.put(relative, fed.next());
    }

    /** Where the bytes at {@code offset} take up the file's WAL, and what they complete. */
    private static ReplicaWal.Fed read(Path file, ReplicaWal held, long offset, ByteBuffer bytes) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("a WAL offset is 0 or more");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("there is no such database file (a file's first entry carries its initial bytes)");
        }
        if (offset == 0) {
            Chain.Checksummed chain = WalFrames.header(bytes);
            return ReplicaWal.at(WalFrames.HEADER_BYTES, chain)
                    .feed(bytes.slice(WalFrames.HEADER_BYTES, bytes.remaining() - WalFrames.HEADER_BYTES));
        }
        if (held != null && offset >= held.end() && offset <= held.position()) {
            return held.cutAt(offset).feed(bytes);
        }
        // Not reached from what is held: a restart in mid-generation, or older entries replayed.
        int pageSize = DatabaseFile.pageSizeOf(file);
        int frameBytes = WalFrames.FRAME_HEADER_BYTES + pageSize;
        if (offset < WalFrames.HEADER_BYTES || (offset - WalFrames.HEADER_BYTES) % frameBytes != 0) {
            throw new IllegalArgumentException("the offset is not a frame boundary (32 + n * " + frameBytes
                    + " for the file's page size " + pageSize + ") and nothing before it is held"
                    + (held == null ? "" : " (this WAL is read up to offset " + held.position() + ")"));
        }
        Chain.Salted chain = WalFrames.salted(pageSize, bytes);
        if (held != null && offset > held.position() && chain.salts() == held.chain().salts()) {
            throw new IllegalArgumentException("bytes of this WAL generation are missing: it is read up to offset "
                    + held.position());
        }
        return ReplicaWal.at(offset, chain).feed(bytes);
    }

    /**
     * How many bytes at the start of the WAL file {@code wal} hold complete transactions, read as
     * SQLite's recovery reads them (salts and checksums from the header on, up to the last commit frame
     * before the first frame that does not continue them); 0 when there is no such file or no valid header.
     */
    public static long committedBytes(Path wal) throws IOException {
        if (!Files.isRegularFile(wal)) {
            return 0;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(wal));
        Chain.Checksummed chain;
        try {
            chain = WalFrames.header(bytes);
        } catch (IllegalArgumentException notAWal) {
            return 0;
        }
        WalFrames.Scan scan = WalFrames.scan(chain, java.util.List.of(),
                bytes.slice(WalFrames.HEADER_BYTES, bytes.remaining() - WalFrames.HEADER_BYTES));
        long frames = scan.complete().stream().mapToLong(t -> t.frames().size()).sum();
        return frames == 0 ? 0 : WalFrames.HEADER_BYTES + frames * chain.frameBytes();
    }

    /** Makes every file written since the last sync, and the directory entries created for them, durable. */
    public void sync() throws IOException {
        for (Path file : unsyncedFiles) {
            force(file);
        }
        unsyncedFiles.clear();
        for (Path dir : unsyncedDirectories) {
            force(dir);
        }
        unsyncedDirectories.clear();
    }

    /**
     * Drops what is held for the file (its WAL position, a transaction not yet complete): to be called
     * when something else (this node's own SQLite, while it led) wrote the file since.
     */
    public void forget(String relativePath) {
        wals.remove(relative(relativePath));
    }

    private static void force(Path path) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            c.force(true);
        }
    }

    private static Path relative(String relativePath) {
        Path p = Path.of(relativePath).normalize();
        if (relativePath.isBlank() || p.isAbsolute() || p.startsWith("..") || p.toString().isEmpty()) {
            throw new IllegalArgumentException("a database file is named by a path inside the data directory, relative to it"
                    + " (like objects/07/counter.sqlite); got '" + relativePath + "'");
        }
        return p;
    }
}
