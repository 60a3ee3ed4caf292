package dev.cairn.storage.log;

import dev.cairn.storage.CommitSink;
import dev.cairn.storage.ObjectDatabase;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * The node's commit log: how a commit becomes durable (durability {@code full}) without an fsync of
 * its object's own WAL.
 *
 * <p>Every object's SQLite runs with {@code synchronous=NORMAL}: COMMIT appends frames to the
 * object's WAL in the operating system's page cache, nothing more. Fsyncing that WAL per commit
 * costs one disk write and one journal commit per call when calls are spread over many objects.
 * Instead, the bytes a commit appended to its WAL are copied into a record here; one thread
 * appends every record that arrived meanwhile, from any object, to the current segment and fsyncs it
 * once for all of them (see {@link #append}). A caller's reply waits for its record to be durable.
 *
 * <p>A segment is closed when it is full or old ({@link CommitLogSettings}); the flusher thread then
 * fsyncs the WAL of every object that wrote to it and deletes it. After a machine crash, a WAL may
 * lack bytes it only had in the page cache: {@link Recovery} (at start-up, before any database opens)
 * writes every record of the remaining segments back at its offset in its WAL, in log order. That is
 * safe because every committed byte SQLite writes to a WAL is covered by a record: the object's
 * database logs the range each commit added (from the WAL-index header), or the WAL from its start when SQLite
 * restarted it in place after a checkpoint (new salts), and SQLite fsyncs the database file at a
 * checkpoint before a restart can overwrite frames. So the last record covering a position holds the
 * newest byte there; records of an older WAL generation left past the end of a newer one carry the
 * older generation's salts, where SQLite stops reading. Segments are deleted in
 * order, each deletion fsynced before the next segment is flushed, so a remaining segment never
 * lacks a later one's records.
 *
 * <p>Threads: {@link #append} is called by object threads and blocks (virtual threads unmount) until
 * the record is durable; the one among them writing a batch owns the current segment meanwhile. One
 * flusher thread owns closed segments.
 *
 * <p>Longer than 400 lines on purpose: the shared-fsync writer and the segments' rotation share one
 * lock and the current segment (whoever writes a batch also closes a full one); the replay after a
 * crash, the spare files and the files' names are apart ({@link Recovery}, {@link Spares}, {@link LogFiles}).
 */
public final class CommitLog implements CommitSink {
    private static final Logger LOG = Logger.getLogger(CommitLog.class);
    /** What every append returns: the record is durable when append returns. */
    private static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);

    private final Path dir;
    private final Spares spares;
    private final Path dataDir;
    private final CommitLogSettings settings;
    /** Runs closed segments' flushes in order, and closes a segment that got old while no one wrote. */
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cairn-commit-log-flush").factory());
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchWritten = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Guarded by {@link #lock}: a thread is writing a batch; it owns the segment meanwhile. */
    private boolean writing;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** A flush failed: later segments are kept too (see the class comment), for the next start to replay. */
    private volatile boolean flushFailed;

    // Owned by the thread that set writing (or by close, once nothing writes).
    private FileChannel segment;
    private Path segmentPath;
    private long segmentNumber;
    private long segmentWritten;
    /** When the first record went into the current segment. */
    private long segmentStartedNanos;
    private Set<FileChannel> segmentWals;
    /** Record bytes written since the log opened; guarded by {@link #lock} (tests). */
    private long appendedBytes;

    /** One record on its way to the disk. Its fields after {@code record} are guarded by {@link #lock}. */
    private static final class Pending {
        final ByteBuffer record;
        final FileChannel wal;
        boolean done;
        IOException failure;

        Pending(ByteBuffer record, FileChannel wal) {
            this.record = record;
            this.wal = wal;
        }
    }

    private CommitLog(Path dataDir, CommitLogSettings settings, long firstSegment) throws IOException {
        this.dataDir = dataDir.toAbsolutePath();
        this.dir = this.dataDir.resolve("commit-log");
        this.settings = settings;
        this.spares = new Spares(dir, settings.segmentBytes());
        openSegment(firstSegment, false);
        long every = Math.max(1, settings.flushInterval().toMillis() / 2);
        flusher.scheduleWithFixedDelay(this::closeIfOld, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Replays what a previous run left in {@code <dataDir>/commit-log/} (see {@link Recovery}) and
     * opens a new log there.
     */
    public static CommitLog open(Path dataDir, CommitLogSettings settings) {
        try {
            Path dir = dataDir.toAbsolutePath().resolve("commit-log");
            Files.createDirectories(dir);
            long next = LogFiles.lastNumber(dir) + 1;
            Recovery.recover(dataDir);
            return new CommitLog(dataDir, settings, next);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the commit log in " + dataDir.resolve("commit-log") + ": " + e.getMessage(), e);
        }
    }

    /** Most WAL bytes in one record; a larger commit is logged in several. */
    private static final long CHUNK = 16 << 20;

    /** A database's records carry its path relative to the data directory, so the directory can move. */
    @Override
    public Optional<Appender> appenderFor(Path database) {
        byte[] name = dataDir.relativize(database.toAbsolutePath()).toString().getBytes(StandardCharsets.UTF_8);
        RecordBuffer buffer = new RecordBuffer();
        return Optional.of((wal, start, end, alarm) -> { // the object's alarm is the alarm index's: not logged here
            for (long at = start; at < end; at += CHUNK) {
                append(name, wal, at, (int) Math.min(CHUNK, end - at), buffer);
            }
            return DURABLE;
        });
    }

    /**
     * Logs the {@code length} bytes at {@code offset} of {@code wal} (what a commit of the database
     * named {@code name} just appended there) and returns once they are durable in the log.
     *
     * <p>Group commit without a hand-off: the first caller to find no write in progress becomes the
     * writer, takes every queued record (its own and those that arrived while the previous write ran),
     * writes and fsyncs them, and wakes their callers. A single busy object thus pays no thread switch;
     * many objects share each fsync.
     */
    void append(byte[] name, FileChannel wal, long offset, int length, RecordBuffer buffer) throws IOException {
        ByteBuffer record = buffer.take(LogFiles.HEADER + name.length + length);
        record.position(LogFiles.CHECKED);
        record.putLong(offset).putShort((short) name.length).put(name);
        long walStart = offset - record.position();
        while (record.hasRemaining()) {
            if (wal.read(record, walStart + record.position()) < 0) {
                throw new EOFException("the WAL ended before " + (offset + length) + " bytes");
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(record.flip().position(LogFiles.CHECKED));
        record.putInt(0, record.limit() - 8).putInt(4, (int) crc.getValue()).position(0);
        var pending = new Pending(record, wal);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the commit log is closed (Cairn is stopping)");
            }
            queue.add(pending);
            while (!pending.done) {
                if (writing) {
                    batchWritten.awaitUninterruptibly();
                    continue;
                }
                writing = true;
                List<Pending> batch = new ArrayList<>(queue);
                queue.clear();
                lock.unlock();
                try {
                    write(batch);
                } finally {
                    lock.lock();
                    for (Pending p : batch) {
                        p.done = true;
                        appendedBytes += p.record.limit();
                    }
                    writing = false;
                    batchWritten.signalAll();
                }
            }
            if (pending.failure != null) {
                throw pending.failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Appends the batch to the segment and fsyncs it once; by the thread that set {@link #writing}. */
    private void write(List<Pending> batch) {
        if (segmentWritten == 0) {
            segmentStartedNanos = System.nanoTime();
        }
        ByteBuffer[] buffers = new ByteBuffer[batch.size()];
        long bytes = 0;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = batch.get(i).record.putLong(8, segmentNumber);
            bytes += buffers[i].remaining();
        }
        try {
            long left = bytes;
            while (left > 0) {
                left -= segment.write(buffers);
            }
            segment.force(false);
            segmentWritten += bytes;
            for (Pending p : batch) {
                segmentWals.add(p.wal);
            }
        } catch (IOException e) {
            for (Pending p : batch) {
                p.failure = e;
            }
            // What reached the segment may end in a torn record, where a replay stops reading: the
            // next records go to a new segment.
            segmentWritten += bytes;
        }
        boolean failed = batch.get(0).failure != null;
        if (failed || segmentWritten >= settings.segmentBytes()
                || System.nanoTime() - segmentStartedNanos >= settings.flushInterval().toNanos()) {
            try {
                closeSegment();
            } catch (IOException e) {
                LOG.error("the commit log could not start a new segment; commits fail until it can", e);
            }
        }
    }

    /**
     * On the flusher thread, every half flush interval: once the log is in use its next segment will
     * want a spare (see {@link #openSegment}); and a segment that got old while no one wrote is
     * closed, so the next start replays little.
     */
    private void closeIfOld() {
        boolean inUse;
        lock.lock();
        try {
            inUse = !closed && appendedBytes > 0;
        } finally {
            lock.unlock();
        }
        if (inUse && spares.isEmpty()) {
            spares.prepare();
        }
        lock.lock();
        try {
            if (writing || closed || segmentWritten == 0
                    || System.nanoTime() - segmentStartedNanos < settings.flushInterval().toNanos()) {
                return;
            }
            writing = true;
        } finally {
            lock.unlock();
        }
        try {
            closeSegment();
        } catch (IOException | RuntimeException e) {
            LOG.error("the commit log could not start a new segment; commits fail until it can", e);
        } finally {
            lock.lock();
            writing = false;
            batchWritten.signalAll();
            lock.unlock();
        }
    }

    /**
     * Starts segment {@code number}, in a spare when one is ready. {@code prepareSpare}: when none is
     * left, the flusher prepares the next one now, as a segment closed by the running log will soon
     * want another; the log's first segment does not, so that a start does not write a segment's worth
     * of zeros and fsync it beside the first calls (the spare follows once records arrive, see
     * {@link #closeIfOld}).
     */
    private void openSegment(long number, boolean prepareSpare) throws IOException {
        segmentNumber = number;
        segmentPath = LogFiles.segment(dir, number);
        Path spare = spares.take();
        if (spare != null) {
            Files.move(spare, segmentPath, StandardCopyOption.ATOMIC_MOVE);
            segment = FileChannel.open(segmentPath, StandardOpenOption.WRITE);
        } else {
            segment = FileChannel.open(segmentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        if (prepareSpare && spares.isEmpty() && !flusher.isShutdown()) {
            flusher.execute(spares::prepare);
        }
        LogFiles.forceDirectory(dir); // the new name must survive a crash with the records acknowledged from it
        segmentWritten = 0;
        segmentWals = Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Hands the current segment to the flusher and starts the next one. */
    private void closeSegment() throws IOException {
        FileChannel closing = segment;
        Path closingPath = segmentPath;
        Set<FileChannel> wals = segmentWals;
        openSegment(segmentNumber + 1, true);
        flusher.execute(() -> flush(closing, closingPath, wals));
    }

    /** Makes the WALs a closed segment covers durable, then recycles it. On the flusher thread. */
    private void flush(FileChannel closing, Path path, Set<FileChannel> wals) {
        try {
            closing.close();
            if (flushFailed) {
                return;
            }
            for (FileChannel wal : wals) {
                try {
                    wal.force(false);
                } catch (ClosedChannelException alreadyClosed) {
                    // Its database closed: ObjectDatabase.close forced it first.
                }
            }
            spares.recycle(path);
        } catch (IOException | RuntimeException e) {
            flushFailed = true;
            LOG.errorf(e, "commit log: could not make the WALs of %s durable; keeping it and every later segment"
                    + " for the next start to replay", path);
        }
    }

    /**
     * Stops the log once the write in progress is done: then (when {@code objectsClosed}: every
     * database closed, each having forced its WAL) deletes every segment. Otherwise the segments stay
     * for the next start to replay. Later appends fail.
     */
    public void close(boolean objectsClosed) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            while (writing) {
                batchWritten.awaitUninterruptibly();
            }
            for (Pending p : queue) {
                p.failure = new IOException("the commit log is closed (Cairn is stopping)");
                p.done = true;
            }
            queue.clear();
            batchWritten.signalAll();
        } finally {
            lock.unlock();
        }
        FileChannel last = segment;
        Path lastPath = segmentPath;
        Set<FileChannel> wals = segmentWals;
        try {
            if (objectsClosed) {
                flusher.execute(() -> flush(last, lastPath, wals));
            } else {
                last.close();
            }
            flusher.shutdown();
            flusher.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("commit log: closing the last segment failed; the next start replays it", e);
        }
    }

    /**
     * A database file is about to be replaced: its records may no longer be replayed into the WAL of
     * the file that replaces it. The current segment is closed and every closed segment flushed (the
     * database is closed, its WAL forced); they are recycled, so no segment left holds its records.
     */
    @Override
    public void replacing(Path databaseFile) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the commit log is closed (Cairn is stopping)");
            }
            while (writing) {
                batchWritten.awaitUninterruptibly();
            }
            writing = true;
        } finally {
            lock.unlock();
        }
        try {
            if (segmentWritten > 0) {
                closeSegment();
            }
        } finally {
            lock.lock();
            writing = false;
            batchWritten.signalAll();
            lock.unlock();
        }
        try {
            flusher.submit(() -> {}).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the commit log retired its segments", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("the commit log could not retire its segments: " + e.getCause(), e.getCause());
        }
        if (flushFailed) {
            throw new IOException("the commit log keeps segments it could not flush (see the log); " + databaseFile
                    + " is not replaced until a restart has replayed them");
        }
    }

    /** Record bytes written since the log opened (tests). */
    long appendedBytes() {
        lock.lock();
        try {
            return appendedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once the segments closed so far are flushed (tests). */
    void awaitFlushed() throws Exception {
        flusher.submit(() -> {}).get();
    }


}
