package dev.cairn.alarms;

import dev.cairn.storage.AlarmTable;

import dev.cairn.api.AbortedException;
import dev.cairn.api.AlarmAfterAbort;
import dev.cairn.api.Alarms;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.PendingAlarm;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * Fires alarms. The index is scanned every {@code scan-interval} (by Quarkus Scheduler in the
 * service's scheduler job) for alarms due within the next two intervals; those, and alarms set
 * for that window meanwhile, wait in memory for a timer thread that fires each at its time. Firing
 * counts the attempt in the index, then sends the object an alarm event through its mailbox (so it
 * never runs beside a call); the outcome decides what happens to the alarm: done, retried with
 * backoff, or dropped after the last retry.
 *
 * <p>One concern: the life of an attempt (taken, counted, dispatched, settled, retried or dropped),
 * whose steps share the in-flight marks; the index, the due queue and the object-side work
 * ({@link AlarmEvents}) live in their own classes.
 *
 * <p>Threads: the timer thread, the scanning thread and the threads completing events share the
 * in-memory {@link DueQueue} (thread-safe); {@link #inFlight} is concurrent. The index has its own thread;
 * alarm events are sent from the dispatch thread.
 *
 * <p>About 400 lines: the public {@code Alarms} API and the scheduler's hooks share the in-flight
 * marks, so they stay together.
 */
public final class AlarmScheduler implements Alarms, AlarmHooks {
    private static final Logger LOG = Logger.getLogger(AlarmScheduler.class);
    /** Most rows one scan loads; more are found by the next scan. */
    private static final int SCAN_LIMIT = 50_000;
    /**
     * How long a shutdown waits for alarm outcomes even when the drain used up its time: objects that
     * stopped have answered, and the index records what is left in milliseconds.
     */
    private static final Duration OUTCOME_GRACE = Duration.ofSeconds(1);

    private final AlarmTargets targets;
    private final AlarmMeters meters;
    private final AlarmIndex index;
    private final AlarmSettings settings;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final DueQueue queue = new DueQueue();
    private final AlarmEvents events;
    private final AlarmChecks checks;
    private final GroupAlarms groups;
    private final ConcurrentHashMap<ObjectId, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    /**
     * One set per scan under way: the alarms whose attempt finished while it read the index. The row it
     * read for one of them predates the attempt's outcome (which enqueued the right time itself), so
     * the scan must not enqueue it: it would fire the alarm again at once, before its retry delay.
     */
    private final java.util.Set<java.util.Set<ObjectId>> scans = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private Thread timer;
    /**
     * Alarm events (and start-up checks) under way at once. Each activates an object, which cannot be
     * evicted while busy: without a bound, 100,000 alarms due together would try to open 100,000
     * databases at once. The rest wait their turn in order, on the dispatch thread.
     */
    static final int MAX_RUNNING = 256;
    private final Semaphore running = new Semaphore(MAX_RUNNING);
    /** Sends alarm events (activating their objects), in the order the index recorded their attempts. */
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("cairn-alarm-dispatch").factory());

    public AlarmScheduler(AlarmTargets targets, AlarmIndex index, AlarmSettings settings, InstantSource clock,
            RandomGenerator random, AlarmMeters meters) {
        this.targets = targets;
        this.meters = meters;
        this.index = index;
        this.settings = settings;
        this.clock = clock;
        this.events = new AlarmEvents(clock, meters);
        this.random = random;
        this.checks = new AlarmChecks(targets, index);
        this.groups = new GroupAlarms(targets, index, checks, clock, this::scan);
    }

    /** In a cluster: the alarms of the Raft groups this node replicates, and their takeover. */
    public GroupAlarms groups() {
        return groups;
    }

    /** Checks the objects of dirty index rows (a crash came between an object's commit and the index), then starts the timer. */
    public void start() {
        List<ObjectId> dirty = new ArrayList<>();
        for (AlarmIndex.Row row : index.dirty().join()) {
            row.objectIn(targets).ifPresent(dirty::add);
        }
        checks.checkEach(dirty, running);
        if (!dirty.isEmpty()) {
            LOG.infof("alarms: checked %d objects whose alarm changed during a crash", dirty.size());
        }
        scan();
        if (settings.timer()) {
            timer = Thread.ofPlatform().daemon().name("cairn-alarm-timer").start(this::runTimer);
        }
    }

    /**
     * First step of a shutdown: the timer stops and no more alarm events are sent. Alarms taken for
     * firing but not sent yet stay pending, their attempt uncounted; events already sent finish, or
     * are refused, as their objects drain.
     */
    public void stop() {
        closed = true;
        queue.wake();
        if (timer != null) {
            try {
                timer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A dispatch waiting for a free slot wakes up, sees the stop and sends nothing; no slot is taken after this.
        running.release(MAX_RUNNING);
        groups.stop();
    }

    /**
     * Second step, before the index closes: waits for the alarm events under way to have their outcome,
     * or their refusal, recorded in the index, until the drain deadline and at least {@link #OUTCOME_GRACE}.
     * One still running after that (its object is stuck) runs again after the restart, as a retry.
     */
    public void awaitOutcomes(long deadlineNanos) {
        long wait = Math.max(deadlineNanos - System.nanoTime(), OUTCOME_GRACE.toNanos());
        boolean recorded = CompletableFuture.allOf(inFlight.values().toArray(CompletableFuture[]::new))
                .thenApply(v -> true).completeOnTimeout(false, wait, TimeUnit.NANOSECONDS).join();
        if (!recorded) {
            LOG.warnf("shutdown: %d alarm events still running; they run again after the restart", inFlight.size());
        }
    }

    /**
     * Last step, after the index has closed (so it can no longer hand the dispatch thread work, which
     * a stopped executor would refuse on the index's thread): the dispatch thread ends.
     */
    public void close() {
        dispatcher.shutdown();
    }

    /** Loads alarms due within the horizon from the index into the timer's queue. */
    public void scan() {
        if (closed) {
            return;
        }
        checks.checkFailedAgain(running);
        long until = clock.millis() + settings.horizon().toMillis();
        java.util.Set<ObjectId> finishedMeanwhile = ConcurrentHashMap.newKeySet();
        scans.add(finishedMeanwhile);
        try {
            for (AlarmIndex.Row row : index.dueBefore(until, SCAN_LIMIT, this::runsHere).join()) {
                row.objectIn(targets).ifPresent(id -> {
                    if (!inFlight.containsKey(id) && !finishedMeanwhile.contains(id)) {
                        enqueue(id, row.dueMs());
                    }
                });
            }
        } finally {
            scans.remove(finishedMeanwhile);
        }
    }

    /**
     * Fires every alarm due by the clock now (scanning the index first) and completes when those,
     * and any other alarm events in flight, have finished and their outcome is in the index. Tests
     * move the clock and call this instead of waiting.
     */
    public CompletableFuture<Void> fireDue() {
        scan();
        fire(queue.takeDue(clock.millis(), inFlight));
        return CompletableFuture.allOf(inFlight.values().toArray(CompletableFuture[]::new));
    }

    /**
     * Before an object commits a batch that changed its alarm (set, replaced or deleted): the change
     * is recorded in the index as an intent, durably, so a crash between the two commits is repaired
     * at start-up. The object commits only after this.
     */
    @Override
    public CompletableFuture<Void> beforeCommit(ObjectId id, OptionalLong scheduled) {
        return index.intend(id, scheduled);
    }

    /** The object committed (and synced) its new alarm: the index confirms it, and the timer holds it if it is due soon. */
    @Override
    public void afterCommit(ObjectId id, OptionalLong scheduled) {
        queue.remove(id);
        index.confirm(id, scheduled).whenComplete((v, e) -> {
            if (e != null) {
                LOG.errorf(e, "alarms: confirming the alarm of %s failed; it is checked at the next start", describe(id));
            } else if (scheduled.isPresent()) {
                enqueue(id, scheduled.getAsLong());
            }
        });
    }

    /** The object's commit failed after the intent was recorded: the object is asked what it holds. */
    @Override
    public void commitFailed(ObjectId id) {
        checks.check(id);
    }

    @Override
    public boolean runNow(ObjectId id) {
        AlarmIndex.Row row = index.start(List.of(id)).join().get(id);
        CompletableFuture<AlarmOutcome> attempt = dispatch(id, row, true);
        attempt.handle((outcome, error) -> error != null && row == null
                ? CompletableFuture.<Void>completedFuture(null) : settle(id, row, outcome, error))
                .thenCompose(f -> f).join();
        try {
            return attempt.join() instanceof AlarmOutcome.Ran;
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public List<PendingAlarm> pending(Optional<String> namespace, int limit) {
        namespace.ifPresent(targets::requireNamespace);
        List<PendingAlarm> pending = new ArrayList<>();
        for (AlarmIndex.Row row : index.pending(namespace, limit, this::runsHere).join()) {
            row.objectIn(targets).ifPresent(id -> pending.add(new PendingAlarm(id, Instant.ofEpochMilli(row.scheduledMs()),
                    Instant.ofEpochMilli(row.dueMs()), row.attempts(),
                    Optional.ofNullable(row.lastError()))));
        }
        return pending;
    }

    /** How many alarms the node's index holds, by namespace (in a cluster, those of objects it replicates too). */
    public Map<String, Long> countByNamespace() {
        return index.countByNamespace().join();
    }

    /** The scheduled times of the pending alarms of these objects of {@code namespace}, by id; objects without one are absent. */
    public Map<String, Instant> scheduledOf(String namespace, List<String> ids) {
        Map<String, Instant> times = new java.util.HashMap<>();
        index.scheduledOf(namespace, ids).join().forEach((id, ms) -> times.put(id, Instant.ofEpochMilli(ms)));
        return times;
    }

    private void enqueue(ObjectId id, long atMillis) {
        if (atMillis <= clock.millis() + settings.horizon().toMillis()) {
            queue.put(id, atMillis);
        }
    }

    private void runTimer() {
        while (!closed) {
            Map<ObjectId, CompletableFuture<Void>> due;
            try {
                due = queue.awaitDue(clock, inFlight);
            } catch (InterruptedException e) {
                return;
            }
            if (due.isEmpty()) {
                continue;
            }
            try {
                fire(due);
            } catch (RuntimeException e) {
                LOG.error("alarms: firing failed; the next scan finds these alarms again", e);
                due.forEach(this::finish);
            }
        }
    }

    /** Counts an attempt of each (durably), then sends each its alarm event; {@code done} completes each in-flight mark. */
    private void fire(Map<ObjectId, CompletableFuture<Void>> done) {
        if (done.isEmpty() || closed) { // stopped: these stay due in the index, their attempt not started
            done.forEach(this::finish);
            return;
        }
        List<ObjectId> starting = new ArrayList<>(done.keySet());
        // Dispatching (activating objects) runs on the dispatch thread: the index thread must stay free
        // for the intents that calls setting alarms wait for.
        index.start(starting).whenCompleteAsync((rows, failure) -> {
            for (ObjectId id : starting) {
                AlarmIndex.Row row = failure == null ? rows.get(id) : null;
                if (row == null) {
                    finish(id, done.get(id));
                    continue;
                }
                if (!targets.runsHere(id)) {
                    // Its group is led elsewhere now: that node fires it. The row stays, kept up to date by
                    // the replicated log, for when the lead comes back.
                    index.notStarted(id, row.scheduledMs()).whenComplete((v, e) -> finish(id, done.get(id)));
                    continue;
                }
                running.acquireUninterruptibly();
                if (closed) { // stopped while this waited for a slot: not sent, so its attempt is uncounted
                    running.release();
                    index.notStarted(id, row.scheduledMs()).whenComplete((v, e) -> finish(id, done.get(id)));
                    continue;
                }
                dispatch(id, row, false)
                        .handle((outcome, error) -> settle(id, row, outcome, error))
                        .thenCompose(f -> f)
                        .whenComplete((v, e) -> {
                            running.release();
                            if (e != null) {
                                LOG.errorf(e, "alarms: recording the outcome of %s failed; the next scan retries it", describe(id));
                            }
                            finish(id, done.get(id));
                        });
            }
        }, dispatcher);
    }

    private void finish(ObjectId id, CompletableFuture<Void> f) {
        scans.forEach(scan -> scan.add(id));
        inFlight.remove(id, f);
        f.complete(null);
    }

    /** Sends the alarm event; {@code row} is the index row before this attempt (null when the index has none). */
    private CompletableFuture<AlarmOutcome> dispatch(ObjectId id, AlarmIndex.Row row, boolean force) {
        OptionalLong indexed = row == null ? OptionalLong.empty() : OptionalLong.of(row.scheduledMs());
        int attemptsBefore = row == null ? 0 : row.attempts();
        long due = row == null ? 0 : row.dueMs();
        return targets.send(id, new AlarmWork.Run(indexed, attemptsBefore, due, force)).thenApply(AlarmOutcome.class::cast);
    }

    /** Runs {@code work} on the object's thread, as one of its events: {@link AlarmEvents}. */
    @Override
    public Object handle(AlarmWork work, Object instance, AlarmTable alarm) throws Exception {
        return events.handle(work, instance, alarm);
    }

    /** Records the outcome of an attempt in the index (and retries or drops a failed alarm). */
    private CompletableFuture<Void> settle(ObjectId id, AlarmIndex.Row row, AlarmOutcome outcome, Throwable error) {
        if (error == null) {
            return switch (outcome) {
                case AlarmOutcome.Ran ran -> {
                    meters.succeeded();
                    yield index.succeeded(id, ran.scheduledMs());
                }
                case AlarmOutcome.NoAlarm x -> index.reconcile(id, OptionalLong.empty());
                case AlarmOutcome.NotDue notDue -> index.reconcile(id, OptionalLong.of(notDue.scheduledMs()))
                        .thenRun(() -> enqueue(id, notDue.scheduledMs()));
            };
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        long scheduled = row.scheduledMs();
        if (cause instanceof OverloadedException o && o.shuttingDown()) {
            // Refused (the node or the object is stopping), so the handler never ran: not a failure. The
            // alarm stays pending, due as it was, for the next scan or the next start.
            return index.notStarted(id, scheduled);
        }
        int attempt = row.attempts() + 1;
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        if (cause instanceof AbortedException a && a.alarm() == AlarmAfterAbort.DROP) {
            meters.dropped();
            LOG.infof("alarm of %s (set for %s) dropped: its handler aborted without a retry (%s)", describe(id),
                    Instant.ofEpochMilli(scheduled), message);
            return drop(id, scheduled);
        }
        if (attempt > settings.maxRetries()) {
            meters.dropped();
            LOG.warnf("alarm of %s (set for %s) dropped after %d attempts; last error: %s", describe(id),
                    Instant.ofEpochMilli(scheduled), attempt, message);
            return drop(id, scheduled);
        }
        meters.retried();
        long delay = settings.baseDelayMillis(attempt);
        long next = clock.millis() + delay + (long) (delay * settings.retryJitter() * random.nextDouble());
        LOG.debugf("alarm of %s failed (attempt %d): %s; retry at %s", describe(id), attempt, message, Instant.ofEpochMilli(next));
        return index.failed(id, scheduled, next, message).thenRun(() -> enqueue(id, next));
    }

    /** Deletes the alarm in the object (if it is still the one that failed); its commit removes the index row. */
    private CompletableFuture<Void> drop(ObjectId id, long scheduled) {
        return targets.send(id, new AlarmWork.Drop(scheduled)).thenApply(x -> (Void) null);
    }

    /** Whether the row's object runs here: its alarm fires here, and is listed as pending here. */
    private boolean runsHere(AlarmIndex.Row row) {
        return row.objectIn(targets).map(targets::runsHere).orElse(false);
    }

    /** How log lines name an object: its namespace and name, or id. */
    static String describe(ObjectId id) {
        return id.namespace() + "/" + id.name().orElse(id.toString());
    }
}
