package dev.cairn.replication;

import dev.cairn.storage.ReplicaWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One commit of one object's database as its group replicates it: what the commit appended to the
 * WAL, and who shipped it. Several commits of a group share one Raft log entry ({@link CommitBatches}).
 *
 * <p>A log entry's bytes (big-endian), version 2: {@code 2}, the number of commits (4 bytes), then
 * each commit. Version 1, written before commits shared entries and still read: {@code 1}, then one
 * commit. A commit: origin (8 bytes: the shipping process's incarnation), sequence (8), file path
 * relative to the data directory (2-byte length, UTF-8), then a kind byte: {@code 1} for a WAL range
 * (offset 8, length 4, bytes), {@code 2} for a new file (its database bytes: length 4, bytes; then
 * its WAL from offset 0: length 4, bytes). Immutable.
 */
record Entry(long origin, long sequence, String file, Kind kind, long walOffset, byte[] database, byte[] wal) {
    private static final int ONE_COMMIT = 1;
    private static final int COMMITS = 2;

    enum Kind {
        /** Bytes a commit appended to the WAL at {@code walOffset} (0: a new WAL generation, its header first). */
        WAL,
        /** A database file's first commit: the file as created, and its WAL from the start. */
        NEW_FILE
    }

    static Entry wal(long origin, long sequence, String file, long walOffset, byte[] wal) {
        return new Entry(origin, sequence, file, Kind.WAL, walOffset, null, wal);
    }

    static Entry newFile(long origin, long sequence, String file, byte[] database, byte[] wal) {
        return new Entry(origin, sequence, file, Kind.NEW_FILE, 0, database, wal);
    }

    /** Writes this commit into {@code writer}'s copy of {@link #file}, as every replica and every snapshot does. */
    void applyTo(ReplicaWriter writer) throws IOException {
        switch (kind) {
            case NEW_FILE -> {
                writer.create(file, database);
                writer.apply(file, 0, wal);
            }
            case WAL -> writer.apply(file, walOffset, wal);
        }
    }

    /** This commit's size in a log entry. */
    int encodedSize() {
        return 8 + 8 + 2 + file.getBytes(StandardCharsets.UTF_8).length + 1 + switch (kind) {
            case WAL -> 8;
            case NEW_FILE -> 4 + database.length;
        } + 4 + wal.length;
    }

    /** The bytes of one log entry holding {@code commits}, in order. */
    static byte[] toBytes(List<Entry> commits) {
        int size = 1 + 4;
        for (Entry commit : commits) {
            size += commit.encodedSize();
        }
        // Written in place, in one array of the exact size: the WAL bytes are most of it and are copied once.
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) COMMITS).putInt(commits.size());
        for (Entry commit : commits) {
            commit.writeTo(out);
        }
        return out.array();
    }

    private void writeTo(ByteBuffer out) {
        byte[] name = file.getBytes(StandardCharsets.UTF_8);
        out.putLong(origin).putLong(sequence).putShort((short) name.length).put(name);
        switch (kind) {
            case WAL -> out.put((byte) 1).putLong(walOffset);
            case NEW_FILE -> out.put((byte) 2).putInt(database.length).put(database);
        }
        out.putInt(wal.length).put(wal);
    }

    /**
     * The commits of one log entry, in order.
     * @throws IllegalArgumentException when {@code in} is not a log entry of a version this code reads
     */
    static List<Entry> read(InputStream in) {
        try (var data = new DataInputStream(in)) {
            int version = data.readUnsignedByte();
            return switch (version) {
                case ONE_COMMIT -> List.of(readCommit(data));
                case COMMITS -> {
                    int count = data.readInt();
                    List<Entry> commits = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        commits.add(readCommit(data));
                    }
                    yield commits;
                }
                default -> throw new IllegalArgumentException("a replicated entry of version " + version + "; this node reads versions "
                        + ONE_COMMIT + " and " + COMMITS + " only: run the same Cairn version on every member");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("a replicated entry cut short: " + e.getMessage(), e);
        }
    }

    private static Entry readCommit(DataInputStream data) throws IOException {
        long origin = data.readLong();
        long sequence = data.readLong();
        String file = new String(data.readNBytes(data.readUnsignedShort()), StandardCharsets.UTF_8);
        int kind = data.readUnsignedByte();
        return switch (kind) {
            case 1 -> {
                long offset = data.readLong();
                yield wal(origin, sequence, file, offset, readExactly(data, data.readInt()));
            }
            case 2 -> {
                byte[] database = readExactly(data, data.readInt());
                yield newFile(origin, sequence, file, database, readExactly(data, data.readInt()));
            }
            default -> throw new IllegalArgumentException("a replicated entry of unknown kind " + kind);
        };
    }

    private static byte[] readExactly(DataInputStream data, int length) throws IOException {
        byte[] bytes = new byte[length];
        data.readFully(bytes);
        return bytes;
    }
}
