package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.Refusal;
import dev.cairn.api.Stub;
import dev.cairn.examples.api.GameMatchApi;
import dev.cairn.examples.model.JoinRequest;
import dev.cairn.examples.model.MatchState;
import dev.cairn.examples.model.ScoreRequest;
import jakarta.ws.rs.NotFoundException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The {@code GameMatch} endpoints of the contract. */
final class GameMatchResource implements GameMatchApi {
    private final Namespace<GameMatch> matches;

    GameMatchResource(Namespaces namespaces) {
        this.matches = namespaces.of(GameMatch.class);
    }

    @Override
    public CompletionStage<MatchState> getMatch(String id) {
        return match(id).send(GameMatch::state).thenApply(state -> GameServerResource.toModel(found(state, id)));
    }

    @Override
    public CompletionStage<MatchState> joinMatch(String id, JoinRequest request) {
        String player = GameServerResource.checkPlayer(request == null ? null : request.getPlayer());
        return match(id).send(m -> m.join(player)).thenApply(outcome -> switch (outcome) {
            case GameMatch.Done d -> GameServerResource.toModel(d.state());
            case GameMatch.Ended e -> throw Refusal.conflict("match " + id + " ended at " + e.endedAt() + "; it takes no more players");
            case GameMatch.NoSuchMatch x -> throw noSuchMatch(id);
        });
    }

    @Override
    public CompletionStage<MatchState> addScore(String id, ScoreRequest request) {
        String player = GameServerResource.checkPlayer(request == null ? null : request.getPlayer());
        if (request.getPoints() == null) {
            throw new IllegalArgumentException("points is required (an integer, may be negative)");
        }
        long points = request.getPoints();
        return match(id).send(m -> m.addScore(player, points)).thenApply(outcome -> switch (outcome) {
            case GameMatch.Done d -> GameServerResource.toModel(d.state());
            case GameMatch.Ended e -> throw Refusal.conflict("match " + id + " ended at " + e.endedAt() + "; its scores are final");
            case GameMatch.NotJoined n -> throw Refusal.conflict("player '" + n.player() + "' has not joined match " + id);
            case GameMatch.NoSuchMatch x -> throw noSuchMatch(id);
        });
    }

    private Stub<GameMatch> match(String id) {
        return matches.get(matches.idFromString(id));
    }

    private static GameMatch.State found(Optional<GameMatch.State> state, String id) {
        return state.orElseThrow(() -> noSuchMatch(id));
    }

    private static NotFoundException noSuchMatch(String id) {
        return new NotFoundException("no match was created with id " + id);
    }
}
