package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One match of a game (namespace {@code game-match}, unique ids): created by a {@link GameServer},
 * tracks its players and their scores.
 */
@RegisterForReflection(fields = false, methods = false)
public final class GameMatch {
    /** A player and their score. */
    public record PlayerScore(String player, long score) {}

    /** The match as callers see it. */
    public record State(String id, String server, Instant createdAt, List<PlayerScore> players) {}

    /** What scoring can come to. */
    public sealed interface Scoring {
        record Scored(State state) implements Scoring {}

        record NotJoined(String player) implements Scoring {}

        record NoSuchMatch() implements Scoring {}
    }

    private final ObjectContext ctx;
    private final SqlStorage sql;

    public GameMatch(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        sql.exec("""
                CREATE TABLE IF NOT EXISTS match (id INTEGER PRIMARY KEY CHECK (id = 1),
                    server TEXT NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS players (player TEXT PRIMARY KEY,
                    score INTEGER NOT NULL DEFAULT 0, joined INTEGER NOT NULL)""");
    }

    /** Called once by the server that creates the match. */
    public State open(String server, List<String> players) {
        if (state().isPresent()) {
            throw new IllegalStateException("match " + ctx.id() + " is already open");
        }
        sql.exec("INSERT INTO match (id, server, created_at) VALUES (1, ?, ?)", server, ctx.clock().millis());
        players.forEach(this::addPlayer);
        return state().orElseThrow();
    }

    /** Adds a player (joining twice is harmless); empty when no match was opened under this id. */
    public Optional<State> join(String player) {
        if (state().isEmpty()) {
            return Optional.empty();
        }
        addPlayer(player);
        return state();
    }

    public Scoring addScore(String player, long points) {
        if (state().isEmpty()) {
            return new Scoring.NoSuchMatch();
        }
        if (sql.exec("UPDATE players SET score = score + ? WHERE player = ?", points, player).rowsWritten() == 0) {
            return new Scoring.NotJoined(player);
        }
        return new Scoring.Scored(state().orElseThrow());
    }

    public Optional<State> state() {
        var match = sql.exec("SELECT server, created_at FROM match").toList();
        if (match.isEmpty()) {
            return Optional.empty();
        }
        List<PlayerScore> players = sql.exec("SELECT player, score FROM players ORDER BY joined").toList().stream()
                .map(r -> new PlayerScore(r.getString("player"), r.getLong("score")))
                .toList();
        return Optional.of(new State(ctx.id().toString(), match.getFirst().getString("server"),
                Instant.ofEpochMilli(match.getFirst().getLong("created_at")), players));
    }

    private void addPlayer(String player) {
        sql.exec("INSERT INTO players (player, joined) VALUES (?, (SELECT count(*) FROM players)) ON CONFLICT DO NOTHING", player);
    }
}
