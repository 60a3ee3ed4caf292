package dev.cairn.migrations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * What the data directory remembers of namespace renames, in {@code <data-dir>/namespaces.sqlite}:
 * each rename begun and whether it ended, so that it is applied once (the old name may later be
 * declared again, for new objects) and resumed after a crash; and, per renamed namespace, the name its
 * objects were first stored under, from which their ids' key derives. Every change is committed with
 * {@code synchronous = FULL} before the step it records.
 *
 * <p>Thread: used by the one thread that applies the migrations at start-up, then closed.
 */
final class MigrationRecord implements AutoCloseable {
    static final String FILE = "namespaces.sqlite";

    /** How far a rename has come. */
    enum Progress {
        NOT_STARTED, STARTED, DONE
    }

    private final Connection connection;

    MigrationRecord(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            this.connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = connection.createStatement()) {
                st.execute("""
                        CREATE TABLE IF NOT EXISTS renames (
                            from_ns TEXT NOT NULL,
                            to_ns TEXT NOT NULL,
                            done INTEGER NOT NULL DEFAULT 0,
                            started_ms INTEGER NOT NULL,
                            done_ms INTEGER,
                            PRIMARY KEY (from_ns, to_ns)) WITHOUT ROWID""");
                st.execute("""
                        CREATE TABLE IF NOT EXISTS origins (
                            namespace TEXT PRIMARY KEY,
                            origin TEXT NOT NULL) WITHOUT ROWID""");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dataDir} has a record: no namespace was renamed or deleted there before when it has none. */
    static boolean exists(Path dataDir) {
        return Files.exists(dataDir.resolve(FILE));
    }

    Progress progress(String from, String to) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT done FROM renames WHERE from_ns = ? AND to_ns = ?")) {
            p.setString(1, from);
            p.setString(2, to);
            try (ResultSet rs = p.executeQuery()) {
                return !rs.next() ? Progress.NOT_STARTED : rs.getInt(1) == 1 ? Progress.DONE : Progress.STARTED;
            }
        }
    }

    void started(String from, String to, long nowMillis) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO renames (from_ns, to_ns, started_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, from);
            p.setString(2, to);
            p.setLong(3, nowMillis);
            p.executeUpdate();
        }
    }

    /** The rename ended: {@code to} now holds what {@code from} held, ids and their key included. One transaction. */
    void done(String from, String to, long nowMillis) throws SQLException {
        String origin = origin(from);
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement p = connection.prepareStatement("UPDATE renames SET done = 1, done_ms = ? WHERE from_ns = ? AND to_ns = ?")) {
                p.setLong(1, nowMillis);
                p.setString(2, from);
                p.setString(3, to);
                p.executeUpdate();
            }
            try (PreparedStatement p = connection.prepareStatement("INSERT OR REPLACE INTO origins (namespace, origin) VALUES (?, ?)")) {
                p.setString(1, to);
                p.setString(2, origin);
                p.executeUpdate();
            }
            forget(from);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** {@code namespace} no longer holds anything: a namespace of that name declared later starts afresh. */
    void forget(String namespace) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM origins WHERE namespace = ?")) {
            p.setString(1, namespace);
            p.executeUpdate();
        }
    }

    /** The name {@code namespace}'s objects were first stored under: its own unless they came by a rename. */
    String origin(String namespace) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT origin FROM origins WHERE namespace = ?")) {
            p.setString(1, namespace);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : namespace;
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close " + FILE + ": " + e.getMessage(), e);
        }
    }
}
