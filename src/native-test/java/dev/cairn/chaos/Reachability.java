package dev.cairn.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The nodes clients send to: all but those a fault took away on purpose (killed, stopped, restarting).
 * A partitioned node stays: clients on both sides of a partition keep using it. Thread-safe: the
 * faults change it while the clients pick from it.
 */
final class Reachability {
    private final List<String> all;
    private volatile List<String> reachable;

    Reachability(List<String> nodes) {
        this.all = List.copyOf(nodes);
        this.reachable = all;
    }

    synchronized void down(String node) {
        List<String> now = new ArrayList<>(reachable);
        now.remove(node);
        if (now.isEmpty()) {
            throw new IllegalStateException("taking " + node + " away would leave the clients no node to send to");
        }
        reachable = List.copyOf(now);
    }

    synchronized void up(String node) {
        if (!all.contains(node)) {
            throw new IllegalArgumentException("no node " + node + ": the nodes are " + all);
        }
        List<String> before = reachable;
        reachable = all.stream().filter(n -> n.equals(node) || before.contains(n)).toList();
    }

    /** A node to send to, at random. */
    String pick(RandomGenerator random) {
        List<String> now = reachable;
        return now.get(random.nextInt(now.size()));
    }

    /** The nodes clients send to now. */
    List<String> nodes() {
        return reachable;
    }
}
