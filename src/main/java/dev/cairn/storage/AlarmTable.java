package dev.cairn.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The object's one alarm, in table {@code _cairn_alarm} of its own database, so setting it commits
 * with the rest of the event. Counts writes so the engine knows when a batch changed the alarm (the
 * node-wide alarm index must then follow) and whether an alarm handler replaced its own alarm.
 * Owned by the object's thread, like its {@link ObjectDatabase}.
 */
public final class AlarmTable {
    static final String TABLE = "_cairn_alarm";
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (id INTEGER PRIMARY KEY CHECK (id = 1), scheduled_ms INTEGER NOT NULL)";
    private static final String GET = "SELECT scheduled_ms FROM " + TABLE + " WHERE id = 1";
    private static final String SET = "INSERT INTO " + TABLE + " (id, scheduled_ms) VALUES (1, ?)"
            + " ON CONFLICT (id) DO UPDATE SET scheduled_ms = excluded.scheduled_ms";
    private static final String DELETE = "DELETE FROM " + TABLE;
    /**
     * The name the object was called by when it set its alarm: an alarm is found again from the file
     * alone (by a new leader after a failover), and its handler must see the object's name then too.
     */
    static final String NAME_TABLE = "_cairn_name";
    private static final String CREATE_NAME = "CREATE TABLE IF NOT EXISTS " + NAME_TABLE
            + " (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL)";
    private static final String GET_NAME = "SELECT name FROM " + NAME_TABLE + " WHERE id = 1";
    private static final String SET_NAME = "INSERT OR IGNORE INTO " + NAME_TABLE + " (id, name) VALUES (1, ?)";

    private final ObjectDatabase db;
    /** Writes since the database was opened; compared before and after a handler. */
    private long writes;
    /** The alarm was written since the last commit; {@link #before} then holds its value at the last commit. */
    private boolean writtenInBatch;
    private OptionalLong before;

    AlarmTable(ObjectDatabase db) {
        this.db = db;
    }

    public OptionalLong get() {
        return db.orWhenNoTable(TABLE, () -> {
            db.beginWork();
            try (ResultSet rs = db.engineStatement(GET).executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }, OptionalLong.empty());
    }

    /** Sets the alarm; {@code objectName}: the name the object is known by, when it is. */
    public void set(long scheduledMillis, Optional<String> objectName) {
        beforeWrite();
        db.writeCreatingTable(TABLE, List.of(CREATE), () -> run(SET, scheduledMillis));
        objectName.ifPresent(name -> db.writeCreatingTable(NAME_TABLE, List.of(CREATE_NAME), () -> {
            PreparedStatement p = db.engineStatement(SET_NAME);
            p.setString(1, name);
            return p.executeUpdate();
        }));
        writes++;
    }

    /** The name recorded by {@link #set}, if any. */
    public Optional<String> objectName() {
        return db.orWhenNoTable(NAME_TABLE, () -> {
            db.beginWork();
            try (ResultSet rs = db.engineStatement(GET_NAME).executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        }, Optional.empty());
    }

    public void delete() {
        beforeWrite();
        db.orWhenNoTable(TABLE, () -> {
            db.beginWork();
            return run(DELETE, null);
        }, 0);
        writes++;
    }

    /** Call before anything that may change the alarm (deleteAll drops the table): remembers the committed value. */
    public void beforeWrite() {
        if (!writtenInBatch) {
            before = get();
            writtenInBatch = true;
        }
    }

    public long writes() {
        return writes;
    }

    /**
     * The alarm as it stands now, if the batch changed it (an event that set it and then rolled back
     * did not); {@code null} when unchanged. Called before each commit; clears the mark.
     */
    public OptionalLong takeChange() {
        if (!writtenInBatch) {
            return null;
        }
        writtenInBatch = false;
        OptionalLong now = get();
        return now.equals(before) ? null : now;
    }

    private int run(String sql, Long value) throws SQLException {
        PreparedStatement p = db.engineStatement(sql);
        if (value != null) {
            p.setLong(1, value);
        }
        return p.executeUpdate();
    }
}
