package dev.cairn.replication;

import dev.cairn.storage.ReplicaWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One Raft entry of a group: what one commit of one object's database appended to its WAL, and who
 * shipped it. Its bytes, version 1 (big-endian): {@code 1}, origin (8 bytes: the shipping process's
 * incarnation), sequence (8), file path relative to the data directory (2-byte length, UTF-8), then
 * a kind byte: {@code 1} for a WAL range (offset 8, length 4, bytes), {@code 2} for a new file (its
 * database bytes: length 4, bytes; then its WAL from offset 0: length 4, bytes). Immutable.
 */
record Entry(long origin, long sequence, String file, Kind kind, long walOffset, byte[] database, byte[] wal) {
    private static final int VERSION = 1;

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

    byte[] toBytes() {
        byte[] name = file.getBytes(StandardCharsets.UTF_8);
        int size = 1 + 8 + 8 + 2 + name.length + 1 + switch (kind) {
            case WAL -> 8;
            case NEW_FILE -> 4 + database.length;
        } + 4 + wal.length;
        // Written in place, in one array of the exact size: the WAL bytes are most of it and are copied once.
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) VERSION).putLong(origin).putLong(sequence).putShort((short) name.length).put(name);
        switch (kind) {
            case WAL -> out.put((byte) 1).putLong(walOffset);
            case NEW_FILE -> out.put((byte) 2).putInt(database.length).put(database);
        }
        out.putInt(wal.length).put(wal);
        return out.array();
    }

    /** @throws IllegalArgumentException when {@code in} is not an entry of a version this code reads */
    static Entry read(InputStream in) {
        try (var data = new DataInputStream(in)) {
            int version = data.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("a replicated entry of version " + version + "; this node reads version " + VERSION
                        + " only: run the same Cairn version on every member");
            }
            long origin = data.readLong();
            long sequence = data.readLong();
            String file = new String(data.readNBytes(data.readUnsignedShort()), StandardCharsets.UTF_8);
            int kind = data.readUnsignedByte();
            return switch (kind) {
                case 1 -> {
                    long offset = data.readLong();
                    yield wal(origin, sequence, file, offset, data.readNBytes(data.readInt()));
                }
                case 2 -> {
                    byte[] database = data.readNBytes(data.readInt());
                    yield newFile(origin, sequence, file, database, data.readNBytes(data.readInt()));
                }
                default -> throw new IllegalArgumentException("a replicated entry of unknown kind " + kind);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("a replicated entry cut short: " + e.getMessage(), e);
        }
    }
}
