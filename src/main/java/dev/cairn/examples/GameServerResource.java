package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.rest.api.GameServerApi;
import dev.cairn.rest.model.MatchList;
import dev.cairn.rest.model.MatchState;
import dev.cairn.rest.model.NewMatchRequest;
import dev.cairn.rest.model.PlayerScore;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@code GameServer} endpoints of the contract. */
final class GameServerResource implements GameServerApi {
    private final Namespace<GameServer> servers;

    GameServerResource(Namespaces namespaces) {
        this.servers = namespaces.of(GameServer.class);
    }

    @Override
    public CompletionStage<MatchState> createMatch(String name, NewMatchRequest request) {
        List<String> players = request == null || request.getPlayers() == null ? List.of() : List.copyOf(request.getPlayers());
        players.forEach(GameServerResource::checkPlayer);
        return servers.getByName(name).send(s -> s.createMatch(players)).thenApply(GameServerResource::toModel);
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
        return new MatchState().id(s.id()).server(s.server()).createdAt(s.createdAt().atOffset(ZoneOffset.UTC))
                .players(s.players().stream().map(p -> new PlayerScore().player(p.player()).score(p.score())).toList());
    }
}
