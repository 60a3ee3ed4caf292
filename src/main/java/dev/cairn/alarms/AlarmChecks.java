package dev.cairn.alarms;

import dev.cairn.api.ObjectId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Makes index rows agree with their objects' own alarms by asking each object (an alarm event, which
 * activates it): after a crash left rows dirty, after a commit changing an alarm failed, when a node
 * takes over objects whose alarms its index may not hold. A check that fails while its object runs
 * here is tried again at the next scan. Thread-safe.
 */
final class AlarmChecks {
    private static final Logger LOG = Logger.getLogger(AlarmChecks.class);

    private final AlarmTargets targets;
    private final AlarmIndex index;
    /** Objects whose check failed (their group's new leader could not yet confirm its leadership, say). */
    private final Set<ObjectId> failed = ConcurrentHashMap.newKeySet();

    AlarmChecks(AlarmTargets targets, AlarmIndex index) {
        this.targets = targets;
        this.index = index;
    }

    /**
     * Reads the object's alarm and makes the index agree, with the name the alarm was set under.
     * Completes with whether it did; if not, with a log line (and a retry at the next scan while the object runs here).
     */
    CompletableFuture<Boolean> check(ObjectId id) {
        return targets.send(id, new AlarmWork.Check())
                .thenCompose(answer -> {
                    AlarmWork.Checked checked = (AlarmWork.Checked) answer;
                    ObjectId named = checked.objectName().map(name -> targets.idFromIndex(id.namespace(), id.toString(), name)).orElse(id);
                    return index.reconcile(named, checked.scheduledMs()).thenApply(v -> true);
                })
                .exceptionally(e -> {
                    if (targets.runsHere(id)) {
                        LOG.warnf("alarms: could not check the alarm of %s (%s); checking it again at the next scan",
                                AlarmScheduler.describe(id), e.getMessage());
                        failed.add(id);
                    } else {
                        LOG.debugf("alarms: %s no longer runs here; its group's new leader checks its alarm", AlarmScheduler.describe(id));
                    }
                    return false;
                });
    }

    /** Checks each of {@code ids}, as many at once as {@code bound} allows; returns once all are done, with whether each succeeded. */
    boolean checkEach(Collection<ObjectId> ids, Semaphore bound) {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (ObjectId id : ids) {
            bound.acquireUninterruptibly();
            checks.add(check(id).whenComplete((v, e) -> bound.release()));
        }
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
        return checks.stream().allMatch(CompletableFuture::join);
    }

    /** The checks that failed since the last scan, before it reads the index (a check that fails again waits for the next). */
    void checkFailedAgain(Semaphore bound) {
        if (failed.isEmpty()) {
            return;
        }
        List<ObjectId> again = List.copyOf(failed);
        failed.removeAll(again);
        checkEach(again.stream().filter(targets::runsHere).toList(), bound);
    }
}
