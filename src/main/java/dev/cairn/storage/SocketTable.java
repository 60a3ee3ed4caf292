package dev.cairn.storage;


import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The durable record of an object's accepted sockets: table {@code _cairn_sockets} in the object's
 * own database (reserved like {@code _cairn_kv}, so object SQL cannot touch it). One row per socket
 * with its tags and attachment, written in the transaction of the event that accepted the socket or
 * changed its attachment, deleted by the event that closed it (or delivered its close).
 *
 * <p>The live registry (socket hub) is what the object sees; the rows make attachments part
 * of the event's commit and keep them on disk. Sockets do not survive a restart, so rows written
 * under another boot id are stale: each accept deletes them first. A row whose upgrade was accepted
 * but never completed (the client vanished in between) stays until the next boot's first accept.
 * Used on the object's thread only, inside an event.
 */
public final class SocketTable {
    private static final String TABLE = "_cairn_sockets";
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (id TEXT PRIMARY KEY, boot TEXT NOT NULL, tags TEXT NOT NULL, kind INTEGER, attachment BLOB) WITHOUT ROWID";
    private static final String CREATE_INDEX = "CREATE INDEX IF NOT EXISTS _cairn_sockets_boot ON " + TABLE + " (boot)";
    private static final String DELETE_STALE = "DELETE FROM " + TABLE + " WHERE boot <> ?";
    private static final String UPSERT = "INSERT INTO " + TABLE + " (id, boot, tags, kind, attachment) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, attachment = excluded.attachment";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE id = ?";

    private final ObjectDatabase db;

    public SocketTable(ObjectDatabase db) {
        this.db = db;
    }

    /** A socket was accepted under {@code boot}: drop rows of earlier boots, record this one. */
    public void accepted(String id, String boot, List<String> tags, ValueCodec.Encoded attachment) {
        write(() -> {
            PreparedStatement stale = db.engineStatement(DELETE_STALE);
            stale.setString(1, boot);
            stale.executeUpdate();
            return upsert(id, boot, tags, attachment);
        });
    }

    /** The socket's attachment changed (null: removed). */
    public void attachment(String id, String boot, List<String> tags, ValueCodec.Encoded attachment) {
        write(() -> upsert(id, boot, tags, attachment));
    }

    /** The socket is closed: forget it. */
    public void closed(String id) {
        db.orWhenNoTable(TABLE, () -> {
            db.beginWork();
            PreparedStatement p = db.engineStatement(DELETE);
            p.setString(1, id);
            return p.executeUpdate();
        }, 0);
    }

    private int upsert(String id, String boot, List<String> tags, ValueCodec.Encoded attachment) throws SQLException {
        PreparedStatement p = db.engineStatement(UPSERT);
        p.setString(1, id);
        p.setString(2, boot);
        p.setString(3, encodeTags(tags));
        if (attachment == null) {
            p.setNull(4, java.sql.Types.INTEGER);
            p.setNull(5, java.sql.Types.BLOB);
        } else {
            p.setInt(4, attachment.kind());
            p.setBytes(5, attachment.data());
        }
        return p.executeUpdate();
    }

    /** Tags as a JSON array of strings (for someone reading the file; Cairn never reads them back). */
    private static String encodeTags(List<String> tags) {
        StringBuilder b = new StringBuilder("[");
        for (String t : tags) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"');
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    /** Runs a write in the event's transaction, creating the table when missing (first socket, or after deleteAll). */
    private void write(ObjectDatabase.SqlWork<?> work) {
        db.writeCreatingTable(TABLE, List.of(CREATE, CREATE_INDEX), work);
    }
}
