package dev.cairn.replication.snapshots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.jboss.logging.Logger;

/**
 * One group's snapshots on this node, in the group's Ratis state-machine directory ({@code sm}):
 * {@code snapshot.<term>_<index>} directories, each a {@link Snapshot}, built first in
 * {@code building.<index>} and published by renaming it. Ratis streams the newest to a follower that
 * needs it, into the same layout: it replaces the follower's whole directory with the leader's
 * snapshot. A directory left half-built (a crash, a build cancelled) is removed at {@link #load}.
 *
 * <p>Thread-safe: Ratis' threads read the newest snapshot ({@link #getLatestSnapshot}); the other
 * methods run one at a time, on the group's updater thread ({@link #init}, {@link #load}) or the node's
 * snapshot thread ({@link #building}, {@link #publish}), never both at once (a build is cancelled and
 * awaited before the directory is reloaded).
 */
public final class SnapshotStore implements StateMachineStorage {
    private static final Logger LOG = Logger.getLogger(SnapshotStore.class);
    private static final Pattern PUBLISHED = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    private static final String BUILDING = "building.";

    private final int kept;
    private volatile Path dir;
    /** The newest snapshot and what Ratis is told of it (made once: it reads every file's size). */
    private volatile Latest latest;

    private record Latest(Snapshot snapshot, SnapshotInfo info) {}

    /** Keeps the {@code kept} newest snapshots, deleting older ones as new ones are published. */
    public SnapshotStore(int kept) {
        if (kept < 1) {
            throw new IllegalArgumentException("a group keeps 1 snapshot or more, not " + kept);
        }
        this.kept = kept;
    }

    @Override
    public void init(RaftStorage storage) throws IOException {
        init(storage.getStorageDir().getStateMachineDir().toPath());
    }

    /** Uses {@code stateMachineDir} (created if missing) and {@link #load}s it. */
    void init(Path stateMachineDir) throws IOException {
        dir = stateMachineDir;
        Files.createDirectories(dir);
        load();
    }

    /** Finds the newest complete snapshot of the directory (again: after Ratis installed one), removing half-built ones. */
    public void load() throws IOException {
        List<Path> published = new ArrayList<>();
        for (Path p : children()) {
            String name = p.getFileName().toString();
            if (name.startsWith(BUILDING)) {
                LOG.infof("replication: removing %s, a snapshot never finished", p);
                deleteTree(p);
            } else if (PUBLISHED.matcher(name).matches()) {
                published.add(p);
            }
        }
        published.sort(Comparator.comparingLong(SnapshotStore::indexOf).reversed());
        Latest found = null;
        for (Path p : published) {
            try {
                Snapshot s = Snapshot.read(p);
                found = new Latest(s, s.info());
                break;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("replication: ignoring snapshot %s: %s", p, e.getMessage());
            }
        }
        latest = found;
    }

    /** The newest snapshot, or null when there is none. */
    public Snapshot latest() {
        Latest l = latest;
        return l == null ? null : l.snapshot();
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        Latest l = latest;
        return l == null ? null : l.info();
    }

    /** An empty directory to build the snapshot at {@code index} in. */
    Path building(long index) throws IOException {
        Path building = dir.resolve(BUILDING + index);
        deleteTree(building);
        Files.createDirectories(building);
        return building;
    }

    /**
     * Publishes a snapshot built in {@link #building}: renames its directory atomically, makes the
     * rename durable, and deletes the snapshots past the {@code kept} newest.
     */
    Snapshot publish(Snapshot built) throws IOException {
        Path target = dir.resolve("snapshot." + built.term() + "_" + built.index());
        deleteTree(target); // only a crash between a build and its rename leaves one: it is that build
        Files.move(built.dir(), target, StandardCopyOption.ATOMIC_MOVE);
        SnapshotBuilder.force(dir);
        Snapshot published = new Snapshot(built.term(), built.index(), target, built.files());
        latest = new Latest(published, published.info());
        List<Path> all = new ArrayList<>(children().stream().filter(p -> PUBLISHED.matcher(p.getFileName().toString()).matches()).toList());
        all.sort(Comparator.comparingLong(SnapshotStore::indexOf).reversed());
        for (Path old : all.subList(Math.min(kept, all.size()), all.size())) {
            deleteTree(old);
        }
        return published;
    }

    /** Makes a snapshot that Ratis installed durable (it writes the files without syncing them). */
    public void makeDurable(Snapshot s) throws IOException {
        for (String f : s.files().keySet()) {
            SnapshotBuilder.force(s.file(f));
        }
        SnapshotBuilder.force(s.dir().resolve(Snapshot.MANIFEST));
        SnapshotBuilder.forceDirectories(s.dir());
        SnapshotBuilder.force(dir);
    }

    @Override
    public void format() {
        // A new group's directory is empty: nothing to format.
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
        // Ratis asks after every takeSnapshot call; old snapshots go when a new one is published.
    }

    private List<Path> children() throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.toList();
        }
    }

    private static long indexOf(Path snapshotDir) {
        Matcher m = PUBLISHED.matcher(snapshotDir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(2)) : -1;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
