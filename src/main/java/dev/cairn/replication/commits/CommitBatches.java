package dev.cairn.replication.commits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A group's commits on their way into its Raft log, several objects' commits to one log entry (group
 * commit). While an entry of this leader is in flight ({@link #IN_FLIGHT}), what comes meanwhile waits
 * and goes in the next entry together: Ratis hands every entry from thread to thread (its log writer
 * and sync, each follower's appender, the apply, the reply), and on a busy group those hand-offs, not
 * the bytes, are what a commit costs. A read-only batch's leadership confirmation rides along the same
 * way: any entry appended after its reads confirms them.
 *
 * <p>An entry ends when Ratis answers it or when its oldest commit has waited the commit wait; a
 * commit that did not end applied is withdrawn ({@link Withdrawals}).
 *
 * <p>Thread-safe: object threads add; whichever thread ends an entry in flight (Ratis's reply, the
 * timer) sends the next.
 */
public final class CommitBatches {
    /**
     * Entries in flight at once. One: an idle group sends a commit at once, a busy one gathers what comes
     * during a round trip (a few milliseconds) into the next entry. Measured with two (2026-12-05, a
     * one-member cluster, 48 connections over 1,000 counters): 1.5 commits per entry against 2.1 with
     * one, at the same throughput.
     */
    static final int IN_FLIGHT = 1;

    /** The group's Raft log, as this leader appends to it. */
    interface Log {
        /**
         * Appends one entry of {@code commits} (none: an empty entry, a confirmation only); the stage
         * completes once it is applied here, and fails when it is refused or its fate is unknown.
         */
        CompletableFuture<Void> append(List<Entry> commits);
    }

    /** Where a commit goes that its entry did not get applied in time (or at all). */
    interface Withdrawals {
        void withdraw(Entry commit, Shipments.Shipment shipment, Throwable failure);
    }

    /** Time as batches need it: the commit wait's start and end. */
    public interface Clock {
        /** The system's clock; tasks run on the common pool's delay scheduler. */
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void after(long nanos, Runnable task) {
                CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS).execute(task);
            }
        };

        long nanoTime();

        /** Runs {@code task} {@code nanos} from now, on another thread. */
        void after(long nanos, Runnable task);
    }

    /** A commit, or a confirmation ({@code commit} null), waiting for an entry. */
    private record Waiting(Entry commit, Shipments.Shipment shipment, CompletableFuture<Void> confirmed, int bytes, long since) {}

    /** An entry sent, until Ratis answers it or its deadline passes, whichever comes first. */
    private record Sent(List<Waiting> members, long deadline, AtomicBoolean ended) {}

    private static final long NONE = Long.MAX_VALUE;

    private final Log log;
    private final Withdrawals withdrawals;
    private final Clock clock;
    private final long commitWaitNanos;
    private final int maxEntryBytes;
    private final AtomicLong appended = new AtomicLong();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private List<Waiting> waiting = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private final List<Sent> inFlight = new ArrayList<>();
    /**
     * When the timer is set to go off next, or {@link #NONE}. Guarded by {@link #lock}. One timer for
     * the group, not one per entry: entries end within milliseconds, their deadlines seconds away.
     */
    private long timerAt = NONE;
    /** Hand-overs under way ({@link #hold}): while any is, nothing is sent. Guarded by {@link #lock}. */
    private int holds;
    /** Completed once nothing is in flight, for the hand-overs waiting on it. Guarded by {@link #lock}. */
    private CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    /** What becomes of the commits that waited while a hand-over held them ({@link #release}). */
    enum AfterHandOver {
        /** This node still leads: they are sent. */
        SEND,
        /** Another member leads: they were never sent, so they surely did not commit; they fail with {@code refusal}. */
        REFUSE
    }

    /**
     * {@code commitWait}: longest a commit waits for its entry to be applied before it counts as
     * uncertain; {@code maxEntryBytes}: most bytes of commits one entry holds (a single larger commit
     * goes alone).
     */
    CommitBatches(Log log, Withdrawals withdrawals, Clock clock, Duration commitWait, int maxEntryBytes) {
        this.log = log;
        this.withdrawals = withdrawals;
        this.clock = clock;
        this.commitWaitNanos = commitWait.toNanos();
        this.maxEntryBytes = maxEntryBytes;
    }

    /** Sends {@code commit}: {@code shipment}'s stage completes when it is applied here, or fails when it is withdrawn. */
    void commit(Entry commit, Shipments.Shipment shipment) {
        add(new Waiting(commit, shipment, null, commit.encodedSize(), clock.nanoTime()));
    }

    /** Completes once an entry appended after this call is applied here: a majority still follows this leader. */
    CompletableFuture<Void> confirm() {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        add(new Waiting(null, null, confirmed, 0, clock.nanoTime()));
        return confirmed;
    }

    /**
     * Holds back every commit and confirmation from now until {@link #release}, for a leadership
     * transfer: the returned stage completes once nothing is in flight. Ratis sends the transferee its
     * election request once it has the leader's last entry; an entry appended after that check (one
     * submitted just before) reaches the other follower first, which then refuses the transferee its
     * vote, and the group is leaderless until an election timeout.
     */
    CompletableFuture<Void> hold() {
        synchronized (lock) {
            holds++;
            if (inFlight.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            if (drained.isDone()) {
                drained = new CompletableFuture<>();
            }
            return drained;
        }
    }

    /** Ends a {@link #hold}: what waited meanwhile is sent, or refused with {@code refusal} when this node no longer leads. */
    void release(AfterHandOver after, Throwable refusal) {
        List<Waiting> refused = List.of();
        synchronized (lock) {
            holds--;
            if (holds == 0 && after == AfterHandOver.REFUSE) {
                refused = waiting;
                waiting = new ArrayList<>();
            }
        }
        for (Waiting w : refused) {
            if (w.commit() == null) {
                w.confirmed().completeExceptionally(refusal);
            } else {
                withdrawals.withdraw(w.commit(), w.shipment(), refusal);
            }
        }
        sendWhileRoom();
    }

    /** Entries appended so far (each holding one or more commits, or confirmations only). */
    long appended() {
        return appended.get();
    }

    private void add(Waiting w) {
        synchronized (lock) {
            waiting.add(w);
        }
        sendWhileRoom();
    }

    private void sendWhileRoom() {
        while (true) {
            Sent sent;
            long setTimer;
            synchronized (lock) {
                if (holds > 0 || inFlight.size() >= IN_FLIGHT || waiting.isEmpty()) {
                    return;
                }
                List<Waiting> members = take();
                long oldest = members.stream().mapToLong(Waiting::since).min().orElseThrow();
                sent = new Sent(members, oldest + commitWaitNanos, new AtomicBoolean());
                inFlight.add(sent);
                setTimer = sent.deadline() < timerAt ? sent.deadline() : NONE;
                if (setTimer != NONE) {
                    timerAt = setTimer;
                }
            }
            if (setTimer != NONE) {
                clock.after(Math.max(0, setTimer - clock.nanoTime()), this::expire);
            }
            send(sent);
        }
    }

    /** The oldest waiting commits that fit one entry (at least one), all waiting confirmations with them. Under the lock. */
    private List<Waiting> take() {
        List<Waiting> entry = new ArrayList<>();
        List<Waiting> left = new ArrayList<>();
        long bytes = 0;
        int commits = 0;
        for (Waiting w : waiting) {
            if (w.commit() == null) {
                entry.add(w);
            } else if (commits == 0 || bytes + w.bytes() <= maxEntryBytes) {
                entry.add(w);
                bytes += w.bytes();
                commits++;
            } else {
                left.add(w);
            }
        }
        waiting = left;
        return entry;
    }

    private void send(Sent sent) {
        List<Entry> commits = new ArrayList<>(sent.members().size());
        for (Waiting w : sent.members()) {
            if (w.commit() != null) {
                commits.add(w.commit());
            }
        }
        appended.incrementAndGet();
        CompletableFuture<Void> answer;
        try {
            answer = log.append(commits);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((done, failure) -> end(sent, failure));
    }

    /** The timer went off: entries past their deadline end as timed out; the timer is set again for the next deadline. */
    private void expire() {
        long now = clock.nanoTime();
        List<Sent> due = new ArrayList<>();
        long next = NONE;
        synchronized (lock) {
            for (Sent sent : inFlight) {
                if (sent.deadline() <= now) {
                    due.add(sent);
                } else {
                    next = Math.min(next, sent.deadline());
                }
            }
            if (timerAt <= now) {
                timerAt = NONE; // this timer, or one set earlier: either way gone off
            }
            if (next < timerAt) {
                timerAt = next;
            } else {
                next = NONE;
            }
        }
        TimeoutException late = new TimeoutException("not committed within " + commitWaitNanos / 1_000_000 + " ms");
        for (Sent sent : due) {
            end(sent, late);
        }
        if (next != NONE) {
            clock.after(next - now, this::expire);
        }
    }

    private void end(Sent sent, Throwable failure) {
        if (!sent.ended().compareAndSet(false, true)) {
            return;
        }
        for (Waiting w : sent.members()) {
            if (w.commit() == null) {
                if (failure == null) {
                    w.confirmed().complete(null);
                } else {
                    w.confirmed().completeExceptionally(failure);
                }
            } else if (failure != null) {
                withdrawals.withdraw(w.commit(), w.shipment(), failure);
            }
        }
        CompletableFuture<Void> nowDrained = null;
        synchronized (lock) {
            inFlight.removeIf(s -> s == sent);
            if (inFlight.isEmpty() && !drained.isDone()) {
                nowDrained = drained;
            }
        }
        if (nowDrained != null) {
            nowDrained.complete(null);
        }
        sendWhileRoom();
    }
}
