package dev.cairn.storage;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * Owned by the object's thread: the transaction around one batch of events, and each event's
 * savepoint inside it.
 *
 * <p>Events of one batch share a transaction: the first storage access begins it, each event runs
 * inside its own savepoint when the batch has several (so a failing event rolls back alone), and
 * {@link #commit()} ends the batch. With a single event the savepoint is skipped. Work between events
 * (the alarm check before a commit) opens no event savepoint.
 */
final class BatchTransaction implements AutoCloseable {
    /** Where the connection is: the state is what was executed, so a COMMIT can never leave a savepoint believed open. */
    enum State {
        /** No transaction: the next access begins one. */
        NONE,
        /** The batch's transaction is open; the running event (if any) has no savepoint of its own. */
        OPEN,
        /** The batch's transaction and the running event's savepoint are open. */
        EVENT_SAVEPOINT
    }

    /** How the running event's writes are undone if it fails. */
    enum Isolation {
        /** With the whole transaction: the event is alone in its batch, or no event runs. */
        TRANSACTION,
        /** With its own savepoint: the event shares the batch with others. */
        SAVEPOINT
    }

    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private final PreparedStatement savepoint;
    private final PreparedStatement release;
    private final PreparedStatement rollbackToSavepoint;
    private State state = State.NONE;
    private Isolation isolation = Isolation.TRANSACTION;

    BatchTransaction(SQLiteConnection connection) throws SQLException {
        this.begin = connection.prepareStatement("BEGIN");
        this.commit = connection.prepareStatement("COMMIT");
        this.rollback = connection.prepareStatement("ROLLBACK");
        this.savepoint = connection.prepareStatement("SAVEPOINT cairn_event");
        this.release = connection.prepareStatement("RELEASE cairn_event");
        this.rollbackToSavepoint = connection.prepareStatement("ROLLBACK TO cairn_event");
    }

    State state() {
        return state;
    }

    /** The next event starts; {@code isolated} when it shares the batch with others. */
    void eventStarting(boolean isolated) {
        isolation = isolated ? Isolation.SAVEPOINT : Isolation.TRANSACTION;
    }

    /** Before a write or a consistent read: the batch's transaction, and the event's savepoint if it needs one. */
    void enter() throws SQLException {
        if (state == State.NONE) {
            begin.execute();
            state = State.OPEN;
        }
        if (state == State.OPEN && isolation == Isolation.SAVEPOINT) {
            savepoint.execute();
            state = State.EVENT_SAVEPOINT;
        }
    }

    /** The event returned: its writes stay in the batch. */
    void eventSucceeded() throws SQLException {
        if (state == State.EVENT_SAVEPOINT) {
            release.execute();
            state = State.OPEN;
        }
        isolation = Isolation.TRANSACTION;
    }

    /** The event threw: undo its writes, and only its writes. */
    void eventFailed() throws SQLException {
        switch (state) {
            case EVENT_SAVEPOINT -> {
                rollbackToSavepoint.execute();
                release.execute();
                state = State.OPEN;
            }
            case OPEN -> {
                if (isolation == Isolation.TRANSACTION) {
                    rollback.execute();
                    state = State.NONE;
                }
            }
            case NONE -> {
                // The event wrote nothing.
            }
        }
        isolation = Isolation.TRANSACTION;
    }

    /** Commits the batch; returns whether there was anything to commit. On failure the batch is rolled back and the exception thrown. */
    boolean commit() throws SQLException {
        if (state == State.NONE) {
            return false;
        }
        try {
            commit.execute();
            return true;
        } catch (SQLException e) {
            try {
                rollback.execute();
            } catch (SQLException ignored) {
                // The connection is discarded by the caller; the original failure is what matters.
            }
            throw e;
        } finally {
            state = State.NONE; // COMMIT or ROLLBACK ended every savepoint too
        }
    }

    @Override
    public void close() {
        for (PreparedStatement p : List.of(begin, commit, rollback, savepoint, release, rollbackToSavepoint)) {
            ObjectDatabase.closeQuietly(p);
        }
    }
}
