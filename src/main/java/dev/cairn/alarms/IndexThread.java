package dev.cairn.alarms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The thread of the alarm index: it owns the index's connection (opened on first use, and again after a
 * failed batch) and its prepared statements, and runs the submitted work in batches, one transaction per
 * batch, in submission order. A failed batch fails each of its tasks and discards the connection.
 *
 * <p>Thread: one platform thread owns the connection and the statements; {@link #submit} and
 * {@link #close} are called from any thread.
 */
final class IndexThread implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IndexThread.class);
    private static final int MAX_BATCH = 4096;

    /** Opens the connection, its schema ready, auto-commit off. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    /** Work run on the index thread inside the batch's transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> done) {}

    private final Opener opener;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    IndexThread(String name, Opener opener) {
        this.opener = opener;
        Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the alarm index is closed"));
            return done;
        }
        queue.add(new Task<>(work, done));
        return done;
    }

    /** {@code sql} prepared on {@code c}, once per connection. Index thread only. */
    PreparedStatement statement(Connection c, String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = c.prepareStatement(sql);
            statements.put(sql, p);
        }
        return p;
    }

    private void run() {
        List<Task<?>> batch = new ArrayList<>();
        try {
            while (!closed || !queue.isEmpty()) {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Task<?> t : batch) {
                t.done().completeExceptionally(new IllegalStateException("the alarm index stopped"));
            }
            Task<?> t;
            while ((t = queue.poll()) != null) {
                t.done().completeExceptionally(new IllegalStateException("the alarm index stopped"));
            }
            closeConnection();
            stopped.complete(null);
        }
    }

    private void runBatch(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try {
            if (connection == null) {
                connection = opener.open();
            }
            for (Task<?> t : batch) {
                results.add(t.work().run(connection));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "alarm index: a batch of %d operations failed; they are reported failed", batch.size());
            closeConnection();
            for (Task<?> t : batch) {
                t.done().completeExceptionally(e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result) {
        task.done().complete((T) result);
    }

    private void closeConnection() {
        statements.values().forEach(p -> {
            try {
                p.close();
            } catch (SQLException ignored) {
                // Closing anyway.
            }
        });
        statements.clear();
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // Nothing was pending, or the connection is broken: either way it is discarded.
            }
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("alarm index: closing the connection failed", e);
            }
            connection = null;
        }
    }

    /** Runs what is queued, then closes the connection. */
    @Override
    public void close() {
        closed = true;
        stopped.join();
    }
}
