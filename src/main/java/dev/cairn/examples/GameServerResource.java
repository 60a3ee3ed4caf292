package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.examples.api.GameServerApi;
import dev.cairn.examples.model.MatchList;
import dev.cairn.examples.model.MatchState;
import dev.cairn.examples.model.NewMatchRequest;
import dev.cairn.examples.model.PlayerScore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@code GameServer} endpoints of the contract. */
final class GameServerResource implements GameServerApi {
    static final long MAX_DURATION_MS = 86_400_000;

    private final Namespace<GameServer> servers;

    GameServerResource(Namespaces namespaces) {
        this.servers = namespaces.of(GameServer.class);
    }

    @Override
    public CompletionStage<MatchState> createMatch(String name, NewMatchRequest request) {
        List<String> players = request == null || request.getPlayers() == null ? List.of() : List.copyOf(request.getPlayers());
        players.forEach(GameServerResource::checkPlayer);
        Long durationMs = request == null ? null : request.getDurationMs();
        if (durationMs != null && (durationMs < 1 || durationMs > MAX_DURATION_MS)) {
            throw new IllegalArgumentException("durationMs must be between 1 and " + MAX_DURATION_MS
                    + " (one day), or left out for a match without end; got " + durationMs);
        }
        return servers.getByName(name).send(s -> s.createMatch(players, durationMs)).thenApply(GameServerResource::toModel);
    }

    @Override
    public CompletionStage<MatchList> listMatches(String name) {
        return servers.getByName(name).send(GameServer::listMatches)
                .thenApply(list -> new MatchList().matches(list.stream().map(GameServerResource::toModel).toList()));
    }

    static String checkPlayer(String player) {
        if (player == null || player.isEmpty() || player.length() > 64) {
            throw new IllegalArgumentException("player must be a name of 1 to 64 characters");
        }
        return player;
    }

    static MatchState toModel(GameMatch.State s) {
        return new MatchState().id(s.id()).server(s.server()).createdAt(utc(s.createdAt())).endsAt(utc(s.endsAt()))
                .endedAt(utc(s.endedAt()))
                .players(s.players().stream().map(p -> new PlayerScore().player(p.player()).score(p.score())).toList());
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
