package dev.cairn.alarms;

import dev.cairn.storage.Durability;

import dev.cairn.api.ObjectId;
import dev.cairn.api.UnknownNamespaceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The node-wide index of pending alarms (one SQLite database reached through a {@link DataSource},
 * Agroal in the service), so due alarms are found without opening every object. It also keeps what
 * only the node knows: attempts started, the next retry time, the last error.
 *
 * <p>The object's own {@code _cairn_alarm} row is the truth. To survive a crash between the
 * object's commit and the index update, every change of an alarm (a new time or a deletion) is
 * written twice: an <em>intent</em> (row marked dirty), durable before the object commits, then a
 * confirmation after it. At start-up every dirty row is checked against its object.
 *
 * <p>In a cluster the index also holds the alarms of the groups this node replicates without leading
 * them, learnt from the replicated log; a group whose alarms it holds completely is <em>known</em>
 * (table {@code known_groups}), so taking it over needs no look into each of its objects.
 *
 * <p>Thread: one platform thread ({@link IndexThread}) owns the connection and runs the submitted work
 * in batches, one transaction (and with {@code durability=full} one fsync) per batch. Work completes in
 * submission order.
 *
 * <p>About 400 lines: every statement on the index's two tables lives here, and only here.
 */
public final class AlarmIndex implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlarmIndex.class);

    /** One row. */
    record Row(String namespace, String objectId, String name, long scheduledMs, long dueMs, int attempts,
            String lastError, boolean dirty) {
        /** The row's object id (with its name when known); empty, with a warning, for a namespace no longer declared. */
        Optional<ObjectId> objectIn(AlarmTargets targets) {
            try {
                return Optional.of(targets.idFromIndex(namespace, objectId, name));
            } catch (UnknownNamespaceException e) {
                LOG.warnf("alarms: the index has an alarm of namespace '%s', which is not declared; it is ignored", namespace);
                return Optional.empty();
            }
        }
    }

    private final DataSource dataSource;
    private final Durability durability;
    private final IndexThread thread;
    /** Table {@code known_groups} as last read or written; index thread. */
    private final Set<Integer> knownGroups = new HashSet<>();

    public AlarmIndex(DataSource dataSource, Durability durability) {
        this.dataSource = dataSource;
        this.durability = durability;
        this.thread = new IndexThread("cairn-alarm-index", this::open);
    }

    <T> CompletableFuture<T> submit(IndexThread.Work<T> work) {
        return thread.submit(work);
    }

    /**
     * Before the object commits a change of its alarm, the row says so already, marked dirty until
     * {@link #confirm}: a new time is written; a deletion only marks the row (it is deleted at the
     * confirmation), so that a crash before the confirmation does not leave a row nobody checks,
     * listed as pending until its time.
     */
    CompletableFuture<Void> intend(ObjectId id, OptionalLong scheduled) {
        if (scheduled.isEmpty()) {
            return submit(c -> {
                PreparedStatement p = statement(c, "UPDATE alarms SET dirty = 1 WHERE namespace = ? AND object_id = ?");
                bindId(p, id);
                p.executeUpdate();
                return null;
            });
        }
        String name = id.name().orElse(null);
        return submit(c -> {
            PreparedStatement p = statement(c, """
                    INSERT INTO alarms (namespace, object_id, name, scheduled_ms, due_ms, attempts, last_error, dirty)
                    VALUES (?, ?, ?, ?, ?, 0, NULL, 1)
                    ON CONFLICT (namespace, object_id) DO UPDATE SET name = coalesce(excluded.name, name),
                        scheduled_ms = excluded.scheduled_ms, due_ms = excluded.due_ms, attempts = 0,
                        last_error = NULL, dirty = 1""");
            bindId(p, id);
            p.setString(3, name);
            p.setLong(4, scheduled.getAsLong());
            p.setLong(5, scheduled.getAsLong());
            p.executeUpdate();
            return null;
        });
    }

    /** After the object committed: the row is the truth again, or gone when the alarm was deleted. */
    CompletableFuture<Void> confirm(ObjectId id, OptionalLong scheduled) {
        return submit(c -> {
            PreparedStatement p = statement(c, scheduled.isPresent()
                    ? "UPDATE alarms SET dirty = 0 WHERE namespace = ? AND object_id = ? AND scheduled_ms = ?"
                    : "DELETE FROM alarms WHERE namespace = ? AND object_id = ?");
            bindId(p, id);
            if (scheduled.isPresent()) {
                p.setLong(3, scheduled.getAsLong());
            }
            p.executeUpdate();
            return null;
        });
    }

    /** What the object's own record says, found by checking it: the row follows (object wins). */
    CompletableFuture<Void> reconcile(ObjectId id, OptionalLong truth) {
        return submit(c -> {
            if (truth.isEmpty()) {
                PreparedStatement p = statement(c, "DELETE FROM alarms WHERE namespace = ? AND object_id = ?");
                bindId(p, id);
                p.executeUpdate();
                return null;
            }
            PreparedStatement p = statement(c, """
                    INSERT INTO alarms (namespace, object_id, name, scheduled_ms, due_ms, attempts, last_error, dirty)
                    VALUES (?, ?, ?, ?, ?, 0, NULL, 0)
                    ON CONFLICT (namespace, object_id) DO UPDATE SET name = coalesce(excluded.name, name), dirty = 0,
                        attempts = CASE WHEN scheduled_ms IS excluded.scheduled_ms THEN attempts ELSE 0 END,
                        due_ms = CASE WHEN scheduled_ms IS excluded.scheduled_ms THEN due_ms ELSE excluded.due_ms END,
                        last_error = CASE WHEN scheduled_ms IS excluded.scheduled_ms THEN last_error ELSE NULL END,
                        scheduled_ms = excluded.scheduled_ms""");
            bindId(p, id);
            p.setString(3, id.name().orElse(null));
            p.setLong(4, truth.getAsLong());
            p.setLong(5, truth.getAsLong());
            p.executeUpdate();
            return null;
        });
    }

    /**
     * Counts an attempt of each alarm as started, durably, before it runs: a crash during the
     * handler then shows up as an earlier attempt. Returns the rows as they were (attempts before
     * this one); alarms no longer in the index are left out.
     */
    CompletableFuture<Map<ObjectId, Row>> start(List<ObjectId> ids) {
        return submit(c -> {
            Map<ObjectId, Row> started = new HashMap<>();
            PreparedStatement p = statement(c, "UPDATE alarms SET attempts = attempts + 1 WHERE namespace = ? AND object_id = ?"
                    + " RETURNING " + COLUMNS);
            for (ObjectId id : ids) {
                bindId(p, id);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        Row r = row(rs);
                        started.put(id, new Row(r.namespace(), r.objectId(), r.name(), r.scheduledMs(), r.dueMs(),
                                r.attempts() - 1, r.lastError(), r.dirty()));
                    }
                }
            }
            return started;
        });
    }

    /**
     * An attempt counted by {@link #start} never ran (a shutdown refused it): it is uncounted, so the
     * next start runs it as the attempt it was. Ignored if the alarm changed meanwhile.
     */
    CompletableFuture<Void> notStarted(ObjectId id, long scheduledMs) {
        return submit(c -> {
            PreparedStatement p = statement(c, "UPDATE alarms SET attempts = attempts - 1"
                    + " WHERE namespace = ? AND object_id = ? AND scheduled_ms = ? AND attempts > 0");
            bindId(p, id);
            p.setLong(3, scheduledMs);
            p.executeUpdate();
            return null;
        });
    }

    /** An attempt failed: the next one is due at {@code nextDueMs}. Ignored if the alarm changed meanwhile. */
    CompletableFuture<Void> failed(ObjectId id, long scheduledMs, long nextDueMs, String error) {
        return submit(c -> {
            PreparedStatement p = statement(c, "UPDATE alarms SET due_ms = ?, last_error = ?"
                    + " WHERE namespace = ? AND object_id = ? AND scheduled_ms = ?");
            p.setLong(1, nextDueMs);
            p.setString(2, error);
            p.setString(3, id.namespace());
            p.setString(4, id.toString());
            p.setLong(5, scheduledMs);
            p.executeUpdate();
            return null;
        });
    }

    /**
     * An attempt succeeded. Normally its commit already removed the row; if the handler set the same
     * time again, the row stays and starts afresh.
     */
    CompletableFuture<Void> succeeded(ObjectId id, long scheduledMs) {
        return submit(c -> {
            PreparedStatement p = statement(c, "UPDATE alarms SET attempts = 0, last_error = NULL, due_ms = scheduled_ms"
                    + " WHERE namespace = ? AND object_id = ? AND scheduled_ms = ?");
            bindId(p, id);
            p.setLong(3, scheduledMs);
            p.executeUpdate();
            return null;
        });
    }

    /** Rows due at or before {@code untilMs} that {@code keep} keeps, soonest first. */
    CompletableFuture<List<Row>> dueBefore(long untilMs, int limit, Predicate<Row> keep) {
        return submit(c -> {
            PreparedStatement p = statement(c, "SELECT " + COLUMNS + " FROM alarms WHERE due_ms <= ? ORDER BY due_ms");
            p.setLong(1, untilMs);
            return rows(p, limit, keep);
        });
    }

    /** Rows whose object may disagree (a crash came between intent and confirmation). */
    CompletableFuture<List<Row>> dirty() {
        return submit(c -> rows(statement(c, "SELECT " + COLUMNS + " FROM alarms WHERE dirty = 1")));
    }

    /** Pending alarms that {@code keep} keeps, soonest next attempt first. */
    CompletableFuture<List<Row>> pending(Optional<String> namespace, int limit, Predicate<Row> keep) {
        return submit(c -> {
            PreparedStatement p = statement(c, "SELECT " + COLUMNS + " FROM alarms"
                    + " WHERE (?1 IS NULL OR namespace = ?1) ORDER BY due_ms, namespace, object_id");
            p.setString(1, namespace.orElse(null));
            return rows(p, limit, keep);
        });
    }

    /**
     * A namespace's lifecycle, applied at start-up before the scheduler starts: {@code from}'s alarms
     * become {@code to}'s. Returns how many; durable on return.
     */
    public int renameNamespace(String from, String to) {
        return submit(c -> {
            PreparedStatement p = statement(c, "UPDATE OR REPLACE alarms SET namespace = ? WHERE namespace = ?");
            p.setString(1, to);
            p.setString(2, from);
            return p.executeUpdate();
        }).join();
    }

    /** At start-up, before the scheduler starts: removes {@code namespace}'s alarms. Returns how many; durable on return. */
    public int removeNamespace(String namespace) {
        return submit(c -> {
            PreparedStatement p = statement(c, "DELETE FROM alarms WHERE namespace = ?");
            p.setString(1, namespace);
            return p.executeUpdate();
        }).join();
    }

    /** How many alarms the index holds, by namespace. */
    CompletableFuture<Map<String, Long>> countByNamespace() {
        return submit(c -> {
            Map<String, Long> counts = new HashMap<>();
            try (ResultSet rs = statement(c, "SELECT namespace, count(*) FROM alarms GROUP BY namespace").executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    /** The scheduled times (epoch milliseconds) of the alarms of these objects of {@code namespace} that have one, by id. */
    CompletableFuture<Map<String, Long>> scheduledOf(String namespace, List<String> ids) {
        return submit(c -> {
            Map<String, Long> times = new HashMap<>();
            PreparedStatement p = statement(c, "SELECT scheduled_ms FROM alarms WHERE namespace = ? AND object_id = ?");
            for (String id : ids) {
                p.setString(1, namespace);
                p.setString(2, id);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        times.put(id, rs.getLong(1));
                    }
                }
            }
            return times;
        });
    }

    /** Whether the index holds every alarm of {@code group}'s objects. */
    CompletableFuture<Boolean> isKnown(int group) {
        return submit(c -> knownGroups.contains(group));
    }

    /** From now on the index holds every alarm of {@code group}'s objects: entered by the time the returned stage completes. */
    CompletableFuture<Void> know(int group) {
        return submit(c -> {
            if (knownGroups.add(group)) {
                PreparedStatement p = statement(c, "INSERT OR IGNORE INTO known_groups (grp) VALUES (?)");
                p.setInt(1, group);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** The index may miss alarms of {@code group}'s objects: recorded by the time the returned stage completes. */
    CompletableFuture<Void> forget(int group) {
        return submit(c -> {
            if (knownGroups.remove(group)) {
                PreparedStatement p = statement(c, "DELETE FROM known_groups WHERE grp = ?");
                p.setInt(1, group);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Completes once everything submitted before is committed (and, with {@code durability=full}, synced). */
    CompletableFuture<Void> flushed() {
        return submit(c -> null);
    }

    /** Reachable: a trivial query through the index thread (for readiness checks). */
    public CompletableFuture<Boolean> ping() {
        return submit(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM alarms")) {
                return rs.next();
            }
        });
    }

    private static final String COLUMNS = "namespace, object_id, name, scheduled_ms, due_ms, attempts, last_error, dirty";

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getInt(6),
                rs.getString(7), rs.getInt(8) != 0);
    }

    private static List<Row> rows(PreparedStatement p) throws SQLException {
        return rows(p, Integer.MAX_VALUE, row -> true);
    }

    /** At most {@code limit} rows of {@code p} that {@code keep} keeps, in order. */
    private static List<Row> rows(PreparedStatement p, int limit, Predicate<Row> keep) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rows.size() < limit && rs.next()) {
                Row row = row(rs);
                if (keep.test(row)) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static void bindId(PreparedStatement p, ObjectId id) throws SQLException {
        p.setString(1, id.namespace());
        p.setString(2, id.toString());
    }

    private PreparedStatement statement(Connection c, String sql) throws SQLException {
        return thread.statement(c, sql);
    }

    /** The index's connection, its schema created and {@code known_groups} read. Index thread. */
    private Connection open() throws SQLException {
        Connection c = dataSource.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            // WAL with FULL fsyncs every commit: an intent is on disk before the object commits.
            st.execute("PRAGMA synchronous = " + (durability == Durability.FULL ? "FULL" : "NORMAL"));
            st.execute("PRAGMA busy_timeout = 5000");
            st.execute("""
                    CREATE TABLE IF NOT EXISTS alarms (
                        namespace TEXT NOT NULL,
                        object_id TEXT NOT NULL,
                        name TEXT,
                        scheduled_ms INTEGER NOT NULL,
                        due_ms INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        dirty INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (namespace, object_id)) WITHOUT ROWID""");
            st.execute("CREATE INDEX IF NOT EXISTS alarms_due ON alarms (due_ms)");
            // Absent from an index written before groups were known: each is then checked at its next takeover.
            st.execute("CREATE TABLE IF NOT EXISTS known_groups (grp INTEGER PRIMARY KEY)");
            knownGroups.clear();
            try (ResultSet rs = st.executeQuery("SELECT grp FROM known_groups")) {
                while (rs.next()) {
                    knownGroups.add(rs.getInt(1));
                }
            }
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Runs what is queued, then closes the connection. */
    @Override
    public void close() {
        thread.close();
    }
}
