package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectId;
import dev.cairn.api.SqlStorage;
import dev.cairn.examples.api.GameMatchApi;
import dev.cairn.examples.api.GameMatchStub;
import dev.cairn.examples.api.GameServerApi;
import dev.cairn.examples.model.MatchList;
import dev.cairn.examples.model.MatchState;
import dev.cairn.examples.model.NewMatchRequest;
import dev.cairn.examples.model.OpenMatchRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A game server (namespace {@code game-server}): creates matches, each its own {@link GameMatch}
 * object reached through its typed stub, and lists them by asking each match for its state.
 */
@RegisterForReflection(fields = false, methods = false)
public final class GameServer implements GameServerApi {
    private final ObjectContext ctx;
    private final SqlStorage sql;
    private final Namespace<GameMatchApi> matches;

    public GameServer(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        this.matches = GameMatchStub.namespace(ctx.namespaces());
        sql.exec("CREATE TABLE IF NOT EXISTS matches (seq INTEGER PRIMARY KEY, match_id TEXT NOT NULL UNIQUE)");
    }

    /** Creates a match object, opens it with the given players (and duration, if any) and remembers it. */
    @Override
    public MatchState createMatch(NewMatchRequest body) {
        var request = body == null ? new NewMatchRequest() : body;
        ObjectId id = matches.newUniqueId();
        MatchState match = GameMatchStub.of(matches.get(id)).openMatch(new OpenMatchRequest()
                .server(ctx.id().name().orElse(ctx.id().toString()))
                .players(request.getPlayers()).durationMs(request.getDurationMs()));
        sql.exec("INSERT INTO matches (match_id) VALUES (?)", id.toString());
        return match;
    }

    /** Every match created here, oldest first, as each match reports itself. */
    @Override
    public MatchList listMatches() {
        return new MatchList().matches(sql.exec("SELECT match_id FROM matches ORDER BY seq").toList().stream()
                .map(row -> GameMatchStub.of(matches.get(matches.idFromString(row.getString("match_id")))).getMatch())
                .toList());
    }
}
