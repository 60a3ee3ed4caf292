package dev.cairn.examples;

import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One match of a game (namespace {@code game-match}, unique ids): created by a {@link GameServer},
 * tracks its players and their scores. A match opened with a duration sets an alarm for its end;
 * the alarm ends it, and an ended match takes no more players or scores.
 */
@RegisterForReflection(fields = false, methods = false)
public final class GameMatch implements AlarmHandler {
    /** A player and their score. */
    public record PlayerScore(String player, long score) {}

    /**
     * The match as callers see it.
     *
     * @param endsAt when it is set to end, null without a duration
     * @param endedAt when its alarm ended it, null while it runs
     */
    public record State(String id, String server, Instant createdAt, Instant endsAt, Instant endedAt, List<PlayerScore> players) {}

    /** What joining can come to. */
    public sealed interface Joining permits Done, Ended, NoSuchMatch {}

    /** What scoring can come to. */
    public sealed interface Scoring permits Done, Ended, NoSuchMatch, NotJoined {}

    /** Joined or scored: the match after it. */
    public record Done(State state) implements Joining, Scoring {}

    /** The match ended: it takes no more players or scores. */
    public record Ended(Instant endedAt) implements Joining, Scoring {}

    /** No match was opened under this id. */
    public record NoSuchMatch() implements Joining, Scoring {}

    /** Only players who joined can score. */
    public record NotJoined(String player) implements Scoring {}

    private final ObjectContext ctx;
    private final SqlStorage sql;

    public GameMatch(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        // The end is kept in its own table so that matches stored before durations existed need no migration.
        sql.exec("""
                CREATE TABLE IF NOT EXISTS match (id INTEGER PRIMARY KEY CHECK (id = 1),
                    server TEXT NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS players (player TEXT PRIMARY KEY,
                    score INTEGER NOT NULL DEFAULT 0, joined INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS match_end (id INTEGER PRIMARY KEY CHECK (id = 1),
                    ends_at INTEGER NOT NULL, ended_at INTEGER)""");
    }

    /** Called once by the server that creates the match; with a duration, the match's alarm is set for its end. */
    public State open(String server, List<String> players, Long durationMs) {
        if (state().isPresent()) {
            throw new IllegalStateException("match " + ctx.id() + " is already open");
        }
        long now = ctx.clock().millis();
        sql.exec("INSERT INTO match (id, server, created_at) VALUES (1, ?, ?)", server, now);
        if (durationMs != null) {
            sql.exec("INSERT INTO match_end (id, ends_at) VALUES (1, ?)", now + durationMs);
            ctx.storage().setAlarm(Instant.ofEpochMilli(now + durationMs));
        }
        players.forEach(this::addPlayer);
        return state().orElseThrow();
    }

    /** The match's end has come: from now on it takes no more players or scores. */
    @Override
    public void alarm(AlarmInfo info) {
        sql.exec("UPDATE match_end SET ended_at = ? WHERE id = 1 AND ended_at IS NULL", ctx.clock().millis());
    }

    /** Adds a player (joining twice is harmless). */
    public Joining join(String player) {
        Optional<State> state = state();
        if (state.isEmpty()) {
            return new NoSuchMatch();
        }
        if (state.get().endedAt() != null) {
            return new Ended(state.get().endedAt());
        }
        addPlayer(player);
        return new Done(state().orElseThrow());
    }

    public Scoring addScore(String player, long points) {
        Optional<State> state = state();
        if (state.isEmpty()) {
            return new NoSuchMatch();
        }
        if (state.get().endedAt() != null) {
            return new Ended(state.get().endedAt());
        }
        if (sql.exec("UPDATE players SET score = score + ? WHERE player = ?", points, player).rowsWritten() == 0) {
            return new NotJoined(player);
        }
        return new Done(state().orElseThrow());
    }

    public Optional<State> state() {
        var match = sql.exec("""
                SELECT server, created_at, ends_at, ended_at FROM match LEFT JOIN match_end USING (id)""").toList();
        if (match.isEmpty()) {
            return Optional.empty();
        }
        var m = match.getFirst();
        List<PlayerScore> players = sql.exec("SELECT player, score FROM players ORDER BY joined").toList().stream()
                .map(r -> new PlayerScore(r.getString("player"), r.getLong("score")))
                .toList();
        return Optional.of(new State(ctx.id().toString(), m.getString("server"), Instant.ofEpochMilli(m.getLong("created_at")),
                instant(m.getLong("ends_at")), instant(m.getLong("ended_at")), players));
    }

    private void addPlayer(String player) {
        sql.exec("INSERT INTO players (player, joined) VALUES (?, (SELECT count(*) FROM players)) ON CONFLICT DO NOTHING", player);
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
