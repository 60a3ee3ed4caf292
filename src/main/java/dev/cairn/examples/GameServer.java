package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectId;
import dev.cairn.api.SqlStorage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A game server (namespace {@code game-server}): creates matches, each its own {@link GameMatch}
 * object, and lists them by asking each match for its state.
 */
@RegisterForReflection(fields = false, methods = false)
public final class GameServer {
    private final ObjectContext ctx;
    private final SqlStorage sql;
    private final Namespace<GameMatch> matches;

    public GameServer(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        this.matches = ctx.namespaces().of(GameMatch.class);
        sql.exec("CREATE TABLE IF NOT EXISTS matches (seq INTEGER PRIMARY KEY, match_id TEXT NOT NULL UNIQUE)");
    }

    /** Creates a match object, opens it with the given players (and duration, null for none) and remembers it. */
    public GameMatch.State createMatch(List<String> players, Long durationMs) {
        ObjectId id = matches.newUniqueId();
        String server = ctx.id().name().orElse(ctx.id().toString());
        GameMatch.State state = matches.get(id).call(match -> match.open(server, players, durationMs));
        sql.exec("INSERT INTO matches (match_id) VALUES (?)", id.toString());
        return state;
    }

    /** Every match created here, oldest first, as each match reports itself. */
    public List<GameMatch.State> listMatches() {
        return sql.exec("SELECT match_id FROM matches ORDER BY seq").toList().stream()
                .map(row -> matches.get(matches.idFromString(row.getString("match_id"))))
                .map(stub -> stub.call(GameMatch::state))
                .flatMap(java.util.Optional::stream)
                .toList();
    }
}
