package dev.cairn.replication;

import dev.cairn.api.NotLeaderException;
import dev.cairn.cluster.Groups;
import dev.cairn.cluster.Shards;
import dev.cairn.replication.commits.Entry;
import dev.cairn.replication.commits.LiveFiles;
import dev.cairn.replication.commits.Shipments;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.CommitSink;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Commits of a replicated cluster: each commit's WAL bytes become an entry of the Raft group of the
 * object's shard, and count once a majority has it. Only the group's serving leader may open a file.
 * Thread-safe.
 */
final class ReplicatedSink implements CommitSink {
    /** The group's members hold the same files, written through the log: a deletion empties them, as every commit changes them. */
    @Override
    public boolean keepsFiles() {
        return true;
    }

    /** Suffix of an object's database file, named by its id's 64 hex digits. */
    private static final String SUFFIX = ".sqlite";

    private final Path dataDir;
    private final Shards shards;
    private final Groups groups;
    /** By group; null for groups this node does not replicate. */
    private final List<GroupMachine> machines;
    private final Shipments shipments;
    private final LiveFiles live;
    private final int maxEntryBytes;

    ReplicatedSink(Path dataDir, Shards shards, Groups groups, List<GroupMachine> machines, Shipments shipments, LiveFiles live,
            int maxEntryBytes) {
        this.dataDir = dataDir.toAbsolutePath();
        this.shards = shards;
        this.groups = groups;
        this.machines = machines;
        this.shipments = shipments;
        this.live = live;
        this.maxEntryBytes = maxEntryBytes;
    }

    @Override
    public Optional<Appender> appenderFor(Path databaseFile) {
        String file = dataDir.relativize(databaseFile.toAbsolutePath()).toString();
        GroupMachine machine = machineOf(file);
        if (machine == null || !machine.serving()) {
            throw notServing(file);
        }
        if (machine.holdsBack(file)) {
            throw new NotLeaderException(NotLeaderException.Outcome.NOT_RUN, "an earlier commit of " + file + " may still be"
                    + " committed by group " + machine.group() + " (it was answered commit-uncertain); the object waits until"
                    + " the group decides it; retry", null);
        }
        live.opened(file);
        return Optional.of(new ReplicatedAppender(machine, file));
    }

    /** The group machine of an object file ({@code <namespace>/<2 hex>/<64 hex>.sqlite}), or null when this node has none. */
    GroupMachine machineOf(String file) {
        String name = Path.of(file).getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 64 + SUFFIX.length()) {
            throw new IllegalArgumentException("not an object's database file: " + file);
        }
        return machines.get(groups.groupOf(shards.shardOf(name.substring(0, 64))));
    }

    private NotLeaderException notServing(String file) {
        return new NotLeaderException(NotLeaderException.Outcome.NOT_RUN, "this node does not lead the Raft group of " + file
                + " (any more); retry", null);
    }

    /** One open database's commits, shipped as entries of its group. Owned by the object's thread, except {@link #closed}. */
    private final class ReplicatedAppender implements Appender {
        private final GroupMachine machine;
        private final String file;

        ReplicatedAppender(GroupMachine machine, String file) {
            this.machine = machine;
            this.file = file;
        }

        @Override
        public CompletionStage<Void> append(FileChannel wal, long start, long end, AlarmChange alarm) throws IOException {
            return ship(null, read(wal, start, end), start, alarm);
        }

        @Override
        public CompletionStage<Void> appendNewFile(Path databaseFile, List<Path> createdDirectories, FileChannel wal, long end,
                AlarmChange alarm) throws IOException {
            return ship(Files.readAllBytes(databaseFile), read(wal, 0, end), 0, alarm);
        }

        private CompletionStage<Void> ship(byte[] database, byte[] walBytes, long offset, AlarmChange alarm) throws IOException {
            long size = walBytes.length + (database == null ? 0 : database.length);
            if (size > maxEntryBytes) {
                throw new IOException("this batch wrote " + size + " bytes, more than one replicated entry holds (" + maxEntryBytes
                        + "); write less per call");
            }
            if (!machine.serving()) {
                return CompletableFuture.failedFuture(notServing(file));
            }
            Shipments.Shipment shipment = shipments.start(Math.toIntExact(size));
            Entry entry = database == null
                    ? Entry.wal(shipment.origin(), shipment.sequence(), file, offset, walBytes, alarm)
                    : Entry.newFile(shipment.origin(), shipment.sequence(), file, database, walBytes, alarm);
            return machine.appends().submit(entry, shipment);
        }

        @Override
        public FailedCommits failedCommits() {
            return FailedCommits.ROLLED_BACK;
        }

        @Override
        public void closed() {
            live.closed(file);
        }

        private static byte[] read(FileChannel wal, long start, long end) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(end - start));
            while (bytes.hasRemaining()) {
                if (wal.read(bytes, start + bytes.position()) < 0) {
                    throw new EOFException("the WAL ended before " + end + " bytes");
                }
            }
            return bytes.array();
        }
    }
}
