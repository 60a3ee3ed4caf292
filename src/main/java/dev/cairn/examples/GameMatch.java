package dev.cairn.examples;

import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.SqlStorage;
import dev.cairn.examples.api.GameMatchApi;
import dev.cairn.examples.model.JoinRequest;
import dev.cairn.examples.model.MatchState;
import dev.cairn.examples.model.OpenMatchRequest;
import dev.cairn.examples.model.PlayerScore;
import dev.cairn.examples.model.ScoreRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * One match of a game (namespace {@code game-match}, unique ids): opened by the {@link GameServer}
 * that creates it, tracks its players and their scores. A match opened with a duration sets an alarm
 * for its end; the alarm ends it, and an ended match takes no more players or scores.
 */
@RegisterForReflection(fields = false, methods = false)
public final class GameMatch implements GameMatchApi, AlarmHandler {
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

    /** Opens the match once; with a duration, its alarm is set for its end. */
    @Override
    public MatchState openMatch(OpenMatchRequest body) {
        if (state().isPresent()) {
            throw Refusal.conflict("match " + ctx.id() + " is already open");
        }
        long now = ctx.clock().millis();
        sql.exec("INSERT INTO match (id, server, created_at) VALUES (1, ?, ?)", body.getServer(), now);
        if (body.getDurationMs() != null) {
            sql.exec("INSERT INTO match_end (id, ends_at) VALUES (1, ?)", now + body.getDurationMs());
            ctx.storage().setAlarm(Instant.ofEpochMilli(now + body.getDurationMs()));
        }
        if (body.getPlayers() != null) { // JSON may say "players": null
            body.getPlayers().forEach(this::addPlayer);
        }
        return state().orElseThrow();
    }

    /** The match's end has come: from now on it takes no more players or scores. */
    @Override
    public void alarm(AlarmInfo info) {
        sql.exec("UPDATE match_end SET ended_at = ? WHERE id = 1 AND ended_at IS NULL", ctx.clock().millis());
    }

    @Override
    public MatchState getMatch() {
        return state().orElseThrow(this::noSuchMatch);
    }

    /** Adds a player (joining twice is harmless). */
    @Override
    public MatchState joinMatch(JoinRequest body) {
        running("it takes no more players");
        addPlayer(body.getPlayer());
        return getMatch();
    }

    @Override
    public MatchState addScore(ScoreRequest body) {
        running("its scores are final");
        if (sql.exec("UPDATE players SET score = score + ? WHERE player = ?", body.getPoints(), body.getPlayer()).rowsWritten() == 0) {
            throw Refusal.conflict("player '" + body.getPlayer() + "' has not joined match " + ctx.id());
        }
        return getMatch();
    }

    /** Refuses unless the match is open and has not ended; {@code ended} says what an ended match refuses. */
    private void running(String ended) {
        OffsetDateTime endedAt = getMatch().getEndedAt();
        if (endedAt != null) {
            throw Refusal.conflict("match " + ctx.id() + " ended at " + endedAt.toInstant() + "; " + ended);
        }
    }

    private Optional<MatchState> state() {
        var match = sql.exec("""
                SELECT server, created_at, ends_at, ended_at FROM match LEFT JOIN match_end USING (id)""").toList();
        if (match.isEmpty()) {
            return Optional.empty();
        }
        var m = match.getFirst();
        List<PlayerScore> players = sql.exec("SELECT player, score FROM players ORDER BY joined").toList().stream()
                .map(r -> new PlayerScore().player(r.getString("player")).score(r.getLong("score")))
                .toList();
        return Optional.of(new MatchState().id(ctx.id().toString()).server(m.getString("server"))
                .createdAt(utc(m.getLong("created_at"))).endsAt(utc(m.getLong("ends_at"))).endedAt(utc(m.getLong("ended_at")))
                .players(players));
    }

    private void addPlayer(String player) {
        sql.exec("INSERT INTO players (player, joined) VALUES (?, (SELECT count(*) FROM players)) ON CONFLICT DO NOTHING", player);
    }

    private Refusal noSuchMatch() {
        return Refusal.notFound("no match was created with id " + ctx.id());
    }

    private static OffsetDateTime utc(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC);
    }
}
