package dev.cairn.replication.commits;

import dev.cairn.api.NotLeaderException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * This node's side of one group's log while it leads the group: commits appended in batches
 * ({@link CommitBatches}) through the node's Raft server, each commit whose append fails withdrawn,
 * reads confirmed by an empty entry, appends held back while the leadership is handed over. Its
 * fields are immutable or thread-safe: object threads submit and confirm, Ratis's reply threads and
 * the batches' timer complete and withdraw, the leadership balancer hands over.
 */
public final class LeaderAppends {
    private final int group;
    private final Shipments shipments;
    /** Shared with the group's {@code GroupMachine}, whose applies decide what this withdrew. */
    private final UndecidedCommits undecided;
    private final Supplier<RaftServer.Division> division;
    private final BooleanSupplier serving;
    private final Duration confirmWait;
    private final CommitBatches batches;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();

    /** {@code division}: the group's Raft division here once started; {@code serving}: whether this node serves the group. */
    public LeaderAppends(int group, Shipments shipments, UndecidedCommits undecided, Supplier<RaftServer.Division> division,
            BooleanSupplier serving, Duration confirmWait, CommitBatches.Clock clock, Duration commitWait, int maxEntryBytes) {
        this.group = group;
        this.shipments = shipments;
        this.undecided = undecided;
        this.division = division;
        this.serving = serving;
        this.confirmWait = confirmWait;
        this.batches = new CommitBatches(this::append, this::withdraw, clock, commitWait, maxEntryBytes);
    }

    /**
     * Submits {@code entry} (shipped as {@code shipment}); the returned stage completes when it is
     * applied here, or fails with {@link NotLeaderException} ({@code UNKNOWN}: a new leader may still
     * commit it) when its submission fails first, or it is not applied within the commit wait (an object
     * waiting on its entry keeps its file open, and another leader's entries for that file wait for it
     * to close).
     */
    public CompletableFuture<Void> submit(Entry entry, Shipments.Shipment shipment) {
        batches.commit(entry, shipment);
        return shipment.applied();
    }

    /** Appends one entry of {@code commits} (none: a confirmation) to the group's log through this node's Raft server. */
    private CompletableFuture<Void> append(List<Entry> commits) {
        RaftServer.Division d = division.get();
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(d.getId())
                .setGroupId(d.getGroup().getGroupId())
                .setCallId(calls.incrementAndGet())
                // The array is never written again: wrapped, not copied.
                .setMessage(commits.isEmpty() ? Message.EMPTY : Message.valueOf(UnsafeByteOperations.unsafeWrap(Entry.toBytes(commits))))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            return d.getRaftServer().submitClientRequestAsync(request).thenCompose(reply -> reply.isSuccess()
                    ? CompletableFuture.<Void>completedFuture(null) : CompletableFuture.<Void>failedFuture(reply.getException()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void withdraw(Entry entry, Shipments.Shipment shipment, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        // A leader stepping down or not ready yet refuses the entry before appending it: it cannot commit.
        boolean refused = cause instanceof LeaderSteppingDownException || cause instanceof LeaderNotReadyException;
        if (!refused) {
            undecided.mayStillCommit(shipment.sequence(), entry.file()); // first: an apply of the entry racing this finds it
        }
        boolean withdrawn = shipments.withdrawn(shipment, refused
                ? new NotLeaderException(NotLeaderException.Outcome.NOT_RUN, "this node is handing over the leadership of group "
                        + group + " (" + cause.getMessage() + "); the call's writes were not kept; retry", cause)
                : new NotLeaderException(NotLeaderException.Outcome.UNKNOWN, (cause instanceof TimeoutException
                        ? "group " + group + " did not commit the call's writes in time"
                        : "this node lost the leadership of group " + group + " while replicating the call's writes")
                        + " (" + cause.getMessage() + "); they may still be kept or dropped:"
                        + " read before retrying a call that is not idempotent", cause));
        if (!withdrawn) {
            undecided.decided(shipment.sequence()); // it was applied first
        }
    }

    /**
     * Runs {@code transfer} (a leadership transfer of this group, true when it moved) with this
     * leader's entries held back ({@link CommitBatches#hold}): it starts once nothing is in flight (or
     * after an election timeout), and what waited meanwhile is sent afterwards, or answered as never
     * run when the leadership moved.
     */
    public CompletableFuture<Boolean> handingOver(Supplier<CompletableFuture<Boolean>> transfer) {
        return batches.hold()
                .completeOnTimeout(null, confirmWait.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(drained -> transfer.get())
                .whenComplete((moved, failure) -> batches.release(serving.getAsBoolean() ? CommitBatches.AfterHandOver.SEND
                        : CommitBatches.AfterHandOver.REFUSE, new LeaderSteppingDownException("this node handed the leadership of"
                        + " group " + group + " over")));
    }

    /** Raft entries this node appended as the group's leader: its commits, several to an entry, and its confirmations. */
    public long appended() {
        return batches.appended();
    }

    /**
     * Confirms, for a batch that wrote nothing, that this node still leads the group: a majority of the
     * group commits an empty entry appended after the batch's reads, so a deposed, paused or cut-off
     * leader cannot answer from its stale state.
     */
    public void confirmLeadership() {
        // An entry committed after the batch's reads: a majority acknowledges this leader after them. Not
        // Ratis's ReadIndex, which in 3.2 answers at once, without a heartbeat round, when an earlier ReadIndex
        // at the same commit index was acknowledged: a leader cut off since (nothing can commit, so the index
        // stays) would confirm every read from its stale state.
        String why;
        try {
            batches.confirm().get(confirmWait.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            why = "no majority confirmed it within " + confirmWait.toMillis() + " ms";
        } catch (ExecutionException e) {
            why = String.valueOf(e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        throw new NotLeaderException(NotLeaderException.Outcome.NOT_RUN, "this node can no longer confirm that it leads group " + group
                + " (" + why + "), so it withholds the answer; retry", null);
    }
}
