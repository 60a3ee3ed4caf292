package dev.cairn.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.Scratch;
import dev.cairn.api.AbortedException;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectException;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Point-in-time recovery with Cloudflare's API: bookmarks that sort in time order, a restore that
 * takes effect when the object next starts and can itself be undone, history kept across restarts
 * for a window and within a disk budget.
 */
class PointInTimeRecoveryTest {
    private static final Instant START = Instant.parse("2026-12-06T12:00:00Z");

    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder()
            .namespace("scratch", Scratch.class)
            .namespace("alarmed", Alarmed.class)
            .property("cairn.objects.housekeeping-interval", "1h")
            .property("cairn.storage.history.max-bytes-per-object", "20000000")
            .clockAt(START)
            .freshPerTest()
            .build();

    @Test
    void aRestoreBringsBackTheBookmarkedStateWhenTheObjectNextStartsAndCanBeUndone() {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        Object before = run(s, ctx -> {
            ctx.storage().put("balance", 100);
            return null;
        });
        String bookmark = run(s, ctx -> ctx.storage().getCurrentBookmark());
        run(s, ctx -> {
            ctx.storage().put("balance", 250);
            ctx.storage().sql().exec("CREATE TABLE audit (what TEXT)");
            ctx.storage().sql().exec("INSERT INTO audit VALUES ('raised')");
            return null;
        });

        String undo = run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(bookmark));
        assertEquals(250L, balance(s), "nothing changes until the object restarts");
        assertThrows(AbortedException.class, () -> run(s, ctx -> {
            ctx.abort("restoring");
            return null;
        }));

        assertEquals(100L, balance(s), "restored");
        assertEquals(0L, tables(s, "audit"), "a table created after the bookmark is gone");
        assertNull(before);

        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(undo));
        cairn.evict(s);
        assertEquals(250L, balance(s), "the restore undone");
        assertEquals(1L, tables(s, "audit"));
    }

    @Test
    void aRestoreAskedForBeforeARestartHappensAtTheNextStartAndHistoryGoesOnAfterIt() {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        put(s, "balance", 1);
        String one = run(s, ctx -> ctx.storage().getCurrentBookmark());
        put(s, "balance", 2);
        cairn.restart();
        put(s, "balance", 3);
        String three = run(s, ctx -> ctx.storage().getCurrentBookmark());

        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(one));
        cairn.restart();
        assertEquals(1L, balance(s));

        put(s, "balance", 4);
        String four = run(s, ctx -> ctx.storage().getCurrentBookmark());
        assertTrue(four.compareTo(three) > 0, "bookmarks after a restore still sort after the ones before it");
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(three));
        cairn.evict(s);
        assertEquals(3L, balance(s));
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(four));
        cairn.evict(s);
        assertEquals(4L, balance(s));
    }

    @Test
    void bookmarksSortInTimeOrderAndABookmarkForATimeIsTheLastCommitAtOrBeforeIt() {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        List<String> bookmarks = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            put(s, "balance", i);
            bookmarks.add(run(s, ctx -> ctx.storage().getCurrentBookmark()));
            cairn.clock().advance(Duration.ofHours(1));
        }
        assertEquals(bookmarks.stream().sorted().toList(), bookmarks);

        String atNoonThirty = run(s, ctx -> ctx.storage().getBookmarkForTime(START.plus(Duration.ofMinutes(90))));
        assertEquals(bookmarks.get(1).substring(16), atNoonThirty.substring(16), "the state of the second commit");
        assertTrue(atNoonThirty.compareTo(bookmarks.get(1)) > 0 && atNoonThirty.compareTo(bookmarks.get(2)) < 0, "at its time");
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(atNoonThirty));
        cairn.evict(s);
        assertEquals(2L, balance(s));
    }

    @Test
    void everyCommitKeepsItsPointThroughACrash() throws IOException {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        put(s, "balance", 1);
        run(s, ctx -> ctx.storage().getCurrentBookmark());
        for (int i = 2; i <= 4; i++) {
            cairn.clock().advance(Duration.ofMinutes(1));
            put(s, "balance", i);
        }
        assertTrue(Files.size(historyOf(s).resolve("pending")) > 0, "the last commits are listed, their bytes still in the WAL only");

        crash(() -> {});
        String atTwo = run(s, ctx -> ctx.storage().getBookmarkForTime(START.plus(Duration.ofSeconds(90))));
        assertEquals(4L, balance(s), "nothing acknowledged was lost");
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(atTwo));
        cairn.evict(s);
        assertEquals(2L, balance(s), "the state between two commits made before the crash, copied from the WAL at the restart");
    }

    @Test
    void commitsLeftPendingThatTheWalNoLongerHoldsKeepTheirStateButNotTheirPoints() throws IOException {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        put(s, "balance", 1);
        run(s, ctx -> ctx.storage().getCurrentBookmark());
        for (int i = 2; i <= 3; i++) {
            cairn.clock().advance(Duration.ofMinutes(1));
            put(s, "balance", i);
        }
        Path pending = historyOf(s).resolve("pending");

        crash(() -> { // the list names another generation of the WAL (as if SQLite had restarted it since)
            try (FileChannel c = FileChannel.open(pending, StandardOpenOption.WRITE)) {
                c.write(ByteBuffer.allocate(8).putLong(0, 42), 0);
            }
        });
        assertEquals(3L, balance(s), "nothing acknowledged was lost");
        String atTwo = run(s, ctx -> ctx.storage().getBookmarkForTime(START.plus(Duration.ofSeconds(90))));
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(atTwo));
        cairn.evict(s);
        assertEquals(1L, balance(s), "the commits left pending are no points of the history: the last point before them");
    }

    @Test
    void whatTheHistoryCannotReachIsRefusedWithTheReason() {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        put(s, "balance", 1);
        String old = run(s, ctx -> ctx.storage().getCurrentBookmark());

        assertRefused(s, ctx -> ctx.storage().onNextSessionRestoreBookmark("yesterday"), "is not a bookmark");
        assertRefused(s, ctx -> ctx.storage().getBookmarkForTime(START.minus(Duration.ofDays(1))), "begins later");
        assertRefused(s, ctx -> ctx.storage().getBookmarkForTime(START.plus(Duration.ofDays(1))), "in the future");
        assertRefused(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(old.substring(0, 17) + "00000000000000ff" + old.substring(33)),
                "not a point of this object's kept history");
        Stub<Scratch> other = cairn.get(Scratch.class, "other");
        put(other, "balance", 9);
        assertRefused(other, ctx -> ctx.storage().onNextSessionRestoreBookmark(old), "a bookmark of another object");

        cairn.clock().advance(Duration.ofDays(31));
        assertRefused(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(old), "older than the history kept, 30 days");
        assertRefused(s, ctx -> ctx.storage().getBookmarkForTime(START), "older than the history kept");
        assertEquals(1L, balance(s), "a refused restore changes nothing");
    }

    @Test
    void historyPastTheWindowIsRemovedAsTheObjectCommits() throws IOException {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        for (int i = 0; i < 90; i++) {
            put(s, "k" + (i % 3), noise(100_000, i)); // 9 MB of commits: several chapters
        }
        Path dir = historyOf(s);
        int chapters = chapters(dir);
        assertTrue(chapters >= 2, "several chapters: " + chapters);

        Path leftover = dir.resolve("00000000000000000099-000001a24b39aa00.base.tmp"); // a chapter a killed process was writing
        Files.writeString(leftover, "half a copy");
        cairn.clock().advance(Duration.ofDays(40));
        for (int i = 0; i < 90; i++) {
            put(s, "k" + (i % 3), noise(100_000, 100 + i));
        }
        assertFalse(Files.exists(leftover), "what a killed process left half-written is removed with the old chapters");
        long cutoff = START.plus(Duration.ofDays(10)).toEpochMilli();
        assertEquals(List.of(true), chapterTimes(dir).stream().filter(t -> t < cutoff).map(t -> true).toList(),
                "of the chapters older than the window, only the last stays: it holds the state the window begins with");
        String tenDaysAgo = run(s, ctx -> ctx.storage().getBookmarkForTime(START.plus(Duration.ofDays(10).plusMinutes(1))));
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(tenDaysAgo));
        cairn.evict(s);
        assertEquals(noise(100_000, 89), run(s, ctx -> ctx.storage().get("k2", String.class)));
    }

    @Test
    void pastTheDiskBudgetTheOldestHistoryGoesFirst() throws IOException {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        put(s, "balance", 1);
        String first = run(s, ctx -> ctx.storage().getCurrentBookmark());
        for (int i = 0; i < 150; i++) {
            put(s, "blob", noise(200_000, i)); // 30 MB of commits against a 20 MB budget
        }
        long bytes = size(historyOf(s));
        assertTrue(bytes <= 20_000_000 + 2_000_000, "the budget holds, within one chapter: " + bytes);
        assertRefused(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(first), "not a point of this object's kept history");
        String recent = run(s, ctx -> ctx.storage().getCurrentBookmark());
        put(s, "blob", "small");
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(recent));
        cairn.evict(s);
        assertEquals(noise(200_000, 149), run(s, ctx -> ctx.storage().get("blob", String.class)));
    }

    @Test
    void aRestoreAcrossManyChaptersAndRestartsRebuildsEachBookmarkedState() {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        List<String> bookmarks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int n = i;
            run(s, ctx -> {
                ctx.storage().put("n", n);
                ctx.storage().put("pad" + (n % 7), noise(50_000, n));
                return null;
            });
            bookmarks.add(run(s, ctx -> ctx.storage().getCurrentBookmark()));
            if (i % 20 == 19) {
                cairn.restart();
            }
        }
        for (int i : new int[] {3, 27, 41, 59}) {
            String b = bookmarks.get(i);
            run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(b));
            cairn.evict(s);
            assertEquals((long) i, (long) run(s, ctx -> ctx.storage().get("n", Long.class)), "state at commit " + i);
        }
    }

    @Test
    void aRestoredAlarmIsScheduledAgain() {
        Stub<Alarmed> s = cairn.get(Alarmed.class, "keeper");
        Instant at = START.plus(Duration.ofDays(2));
        String withAlarm = cairn.runIn(s, (a, ctx) -> {
            ctx.storage().setAlarm(at);
            return null;
        }) == null ? cairn.runIn(s, (a, ctx) -> ctx.storage().getCurrentBookmark()) : null;
        cairn.runIn(s, (a, ctx) -> {
            ctx.storage().deleteAlarm();
            return null;
        });
        assertEquals(List.of(), cairn.node().alarms().pending(Optional.of("alarmed"), 10));

        cairn.runIn(s, (a, ctx) -> ctx.storage().onNextSessionRestoreBookmark(withAlarm));
        cairn.evict(s);
        assertEquals(Optional.of(at), cairn.runIn(s, (a, ctx) -> ctx.storage().getAlarm()));
        assertEquals(at, cairn.node().alarms().pending(Optional.of("alarmed"), 10).getFirst().scheduledTime());
    }

    @Test
    void aNewObjectCanBeRestoredToEmptyAndADeletedObjectLeavesNoHistory() {
        Stub<Scratch> s = cairn.get(Scratch.class, "fresh");
        String empty = run(s, ctx -> ctx.storage().getCurrentBookmark());
        put(s, "balance", 5);
        run(s, ctx -> ctx.storage().onNextSessionRestoreBookmark(empty));
        cairn.evict(s);
        assertEquals(0, (int) run(s, ctx -> ctx.storage().list(ListOptions.all()).size()));

        Path dir = historyOf(s);
        assertTrue(Files.isDirectory(dir));
        cairn.node().delete(cairn.node().of(Scratch.class).idFromName("fresh")).join();
        assertFalse(Files.exists(dir), "the history goes with the object");
    }

    @Test
    void anAdministratorsRestoreRestartsTheObjectAtOnce() {
        Stub<Scratch> s = cairn.get(Scratch.class, "ledger");
        put(s, "balance", 1);
        var id = cairn.node().of(Scratch.class).idFromName("ledger");
        String one = cairn.node().bookmarks(id, Bookmarks::current).join();
        put(s, "balance", 2);
        String undo = cairn.node().bookmarks(id, b -> b.restoreOnNextStart(one)).join();
        assertEquals(1L, balance(s));
        assertNotEquals(one, undo);
        var refused = assertThrows(Exception.class, () -> cairn.node().bookmarks(id, b -> b.restoreOnNextStart("nonsense")).join());
        assertTrue(refused.getCause() instanceof IllegalArgumentException, String.valueOf(refused.getCause()));
    }

    private <T> T run(Stub<Scratch> s, TypedWork<T> work) {
        return cairn.runIn(s, (x, ctx) -> work.run(ctx));
    }

    @FunctionalInterface
    interface TypedWork<T> {
        T run(ObjectContext ctx) throws Exception;
    }

    private void put(Stub<Scratch> s, String key, Object value) {
        run(s, ctx -> {
            ctx.storage().put(key, value);
            return null;
        });
    }

    private long balance(Stub<Scratch> s) {
        return run(s, ctx -> ctx.storage().get("balance", Long.class));
    }

    private long tables(Stub<Scratch> s, String name) {
        return run(s, ctx -> ctx.storage().sql()
                .exec("SELECT count(*) AS n FROM sqlite_schema WHERE name = ?", name).one().getLong("n"));
    }

    private void assertRefused(Stub<Scratch> s, TypedWork<?> work, String why) {
        var e = assertThrows(ObjectException.class, () -> run(s, work));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    interface FileChange {
        void apply() throws IOException;
    }

    /** What a kill -9 leaves: the files as the running node has them ({@code change} made to them), taken up by a new node. */
    private void crash(FileChange change) throws IOException {
        Path data = cairn.dataDir();
        Path taken = Files.createTempDirectory("cairn-crashed-");
        copyTree(data, taken);
        cairn.stop();
        deleteTree(data);
        copyTree(taken, data);
        deleteTree(taken);
        change.apply();
        cairn.restart();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    private Path historyOf(Stub<Scratch> s) {
        String hex = s.id().toString();
        return cairn.dataDir().resolve("scratch").resolve(hex.substring(0, 2)).resolve(hex + ".sqlite.history");
    }

    private static int chapters(Path dir) throws IOException {
        return chapterTimes(dir).size();
    }

    /** When each chapter began (its base's name: commit, then time in hex). */
    private static List<Long> chapterTimes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".base"))
                    .map(n -> Long.parseLong(n.substring(21, 37), 16)).toList();
        }
    }

    /** {@code chars} hex digits drawn from {@code seed}: values whose pages all differ (SQLite skips rewriting unchanged overflow pages). */
    private static String noise(int chars, long seed) {
        var random = new java.util.Random(seed);
        var text = new StringBuilder(chars);
        while (text.length() < chars) {
            text.append(Long.toHexString(random.nextLong()));
        }
        return text.substring(0, chars);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
