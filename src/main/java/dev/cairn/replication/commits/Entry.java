package dev.cairn.replication.commits;

import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One commit of one object's database as its group replicates it: what the commit appended to the
 * WAL, what it did to the object's alarm, and who shipped it. Several commits of a group share one
 * Raft log entry ({@link CommitBatches}).
 *
 * <p>A log entry's bytes (big-endian), version 3: {@code 3}, the number of commits (4 bytes), then
 * each commit. A commit: origin (8 bytes: the shipping process's incarnation), sequence (8), file path
 * relative to the data directory (2-byte length, UTF-8), then a kind byte: {@code 1} for a WAL range
 * (offset 8, length 4, bytes), {@code 2} for a new file (its database bytes: length 4, bytes; then
 * its WAL from offset 0: length 4, bytes); then the alarm: {@code 0} unchanged, {@code 1} deleted,
 * {@code 2} set (the time in epoch milliseconds, 8; the object's name, 2-byte length, UTF-8, 0 when
 * it has none). Still read, their commits' alarms unrecorded: version 2 (as 3, without the alarm)
 * and version 1 ({@code 1}, then one commit without its alarm). Immutable.
 *
 * @param alarm what the commit did to the object's alarm; empty when not recorded (versions 1 and 2)
 */
public record Entry(long origin, long sequence, String file, Kind kind, long walOffset, byte[] database, byte[] wal,
        Optional<AlarmChange> alarm) {
    private static final int ONE_COMMIT = 1;
    private static final int COMMITS = 2;
    private static final int COMMITS_WITH_ALARMS = 3;

    public enum Kind {
        /** Bytes a commit appended to the WAL at {@code walOffset} (0: a new WAL generation, its header first). */
        WAL,
        /** A database file's first commit: the file as created, and its WAL from the start. */
        NEW_FILE
    }

    public static Entry wal(long origin, long sequence, String file, long walOffset, byte[] wal, AlarmChange alarm) {
        return new Entry(origin, sequence, file, Kind.WAL, walOffset, null, wal, Optional.of(alarm));
    }

    public static Entry newFile(long origin, long sequence, String file, byte[] database, byte[] wal, AlarmChange alarm) {
        return new Entry(origin, sequence, file, Kind.NEW_FILE, 0, database, wal, Optional.of(alarm));
    }

    /** Writes this commit into {@code writer}'s copy of {@link #file}, as every replica and every snapshot does. */
    public void applyTo(ReplicaWriter writer) throws IOException {
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
        } + 4 + wal.length + 1 + switch (recordedAlarm()) {
            case AlarmChange.Unchanged u -> 0;
            case AlarmChange.Deleted d -> 0;
            case AlarmChange.Set set -> 8 + 2 + set.objectName().map(n -> n.getBytes(StandardCharsets.UTF_8).length).orElse(0);
        };
    }

    /** The alarm as written: an entry written by this version records it (one read from an older version is never written again). */
    private AlarmChange recordedAlarm() {
        return alarm.orElseThrow(() -> new IllegalStateException("the commit of " + file + " does not record its alarm"));
    }

    /** The bytes of one log entry holding {@code commits}, in order. */
    static byte[] toBytes(List<Entry> commits) {
        int size = 1 + 4;
        for (Entry commit : commits) {
            size += commit.encodedSize();
        }
        // Written in place, in one array of the exact size: the WAL bytes are most of it and are copied once.
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) COMMITS_WITH_ALARMS).putInt(commits.size());
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
        switch (recordedAlarm()) {
            case AlarmChange.Unchanged u -> out.put((byte) 0);
            case AlarmChange.Deleted d -> out.put((byte) 1);
            case AlarmChange.Set set -> {
                byte[] objectName = set.objectName().map(n -> n.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
                out.put((byte) 2).putLong(set.scheduledMs()).putShort((short) objectName.length).put(objectName);
            }
        }
    }

    /**
     * The commits of one log entry, in order.
     * @throws IllegalArgumentException when {@code in} is not a log entry of a version this code reads
     */
    public static List<Entry> read(InputStream in) {
        try (var data = new DataInputStream(in)) {
            int version = data.readUnsignedByte();
            return switch (version) {
                case ONE_COMMIT -> List.of(readCommit(data, false));
                case COMMITS, COMMITS_WITH_ALARMS -> {
                    int count = data.readInt();
                    List<Entry> commits = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        commits.add(readCommit(data, version == COMMITS_WITH_ALARMS));
                    }
                    yield commits;
                }
                default -> throw new IllegalArgumentException("a replicated entry of version " + version + "; this node reads versions "
                        + ONE_COMMIT + " to " + COMMITS_WITH_ALARMS + " only: run the same Cairn version on every member");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("a replicated entry cut short: " + e.getMessage(), e);
        }
    }

    private static Entry readCommit(DataInputStream data, boolean withAlarm) throws IOException {
        long origin = data.readLong();
        long sequence = data.readLong();
        String file = new String(readExactly(data, data.readUnsignedShort()), StandardCharsets.UTF_8);
        int kind = data.readUnsignedByte();
        return switch (kind) {
            case 1 -> {
                long offset = data.readLong();
                byte[] wal = readExactly(data, data.readInt());
                yield new Entry(origin, sequence, file, Kind.WAL, offset, null, wal, readAlarm(data, withAlarm));
            }
            case 2 -> {
                byte[] database = readExactly(data, data.readInt());
                byte[] wal = readExactly(data, data.readInt());
                yield new Entry(origin, sequence, file, Kind.NEW_FILE, 0, database, wal, readAlarm(data, withAlarm));
            }
            default -> throw new IllegalArgumentException("a replicated entry of unknown kind " + kind);
        };
    }

    private static Optional<AlarmChange> readAlarm(DataInputStream data, boolean recorded) throws IOException {
        if (!recorded) {
            return Optional.empty();
        }
        int change = data.readUnsignedByte();
        return Optional.of(switch (change) {
            case 0 -> AlarmChange.UNCHANGED;
            case 1 -> AlarmChange.DELETED;
            case 2 -> {
                long scheduledMs = data.readLong();
                int nameLength = data.readUnsignedShort();
                yield new AlarmChange.Set(scheduledMs, nameLength == 0 ? Optional.empty()
                        : Optional.of(new String(readExactly(data, nameLength), StandardCharsets.UTF_8)));
            }
            default -> throw new IllegalArgumentException("a replicated entry of unknown alarm change " + change);
        });
    }

    private static byte[] readExactly(DataInputStream data, int length) throws IOException {
        byte[] bytes = new byte[length];
        data.readFully(bytes);
        return bytes;
    }
}
