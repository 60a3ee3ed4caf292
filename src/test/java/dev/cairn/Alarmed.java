package dev.cairn;

import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An object with an alarm handler for engine tests. Each successful run is a row in {@code runs}
 * (rolled back with a failing run); every attempt, failed or not, is also noted in memory, and a
 * test can give an object's handler extra work (or make it throw) by name.
 */
public final class Alarmed implements AlarmHandler {
    /** What the handler does after recording its run, per object name. */
    public interface Behaviour {
        void run(Alarmed self, AlarmInfo info) throws Exception;
    }

    public static final Map<String, Behaviour> BEHAVIOUR = new ConcurrentHashMap<>();
    public static final Map<String, List<AlarmInfo>> ATTEMPTS = new ConcurrentHashMap<>();
    public static final Map<String, AtomicInteger> CONSTRUCTIONS = new ConcurrentHashMap<>();
    /** Objects (by name, or id when reached without one) whose next construction fails once. */
    public static final Set<String> FAIL_NEXT_CONSTRUCTION = ConcurrentHashMap.newKeySet();

    public final ObjectContext ctx;

    public Alarmed(ObjectContext ctx) {
        this.ctx = ctx;
        CONSTRUCTIONS.computeIfAbsent(name(), k -> new AtomicInteger()).incrementAndGet();
        if (FAIL_NEXT_CONSTRUCTION.remove(name())) {
            throw new IllegalStateException("construction failed on purpose");
        }
        ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS runs (scheduled INTEGER, retry_count INTEGER, at INTEGER)");
    }

    private String name() {
        return ctx.id().name().orElse(ctx.id().toString());
    }

    @Override
    public void alarm(AlarmInfo info) throws Exception {
        ATTEMPTS.computeIfAbsent(name(), k -> new CopyOnWriteArrayList<>()).add(info);
        ctx.storage().sql().exec("INSERT INTO runs VALUES (?, ?, ?)", info.scheduledTime().toEpochMilli(), info.retryCount(),
                ctx.clock().millis());
        Behaviour b = BEHAVIOUR.get(name());
        if (b != null) {
            b.run(this, info);
        }
    }

    public long runs() {
        return ctx.storage().sql().exec("SELECT count(*) AS n FROM runs").one().getLong("n");
    }
}
