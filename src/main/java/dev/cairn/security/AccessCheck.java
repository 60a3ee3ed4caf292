package dev.cairn.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import dev.cairn.rest.model.Problem;
import dev.cairn.service.CairnConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Lets a request through only with the roles its path requires ({@link AccessRules}): without
 * credentials, or with credentials that do not verify, 401; authenticated without one of the roles,
 * 403; a bearer token that cannot be checked because the issuer's keys could not be fetched, 503 (the
 * caller is not at fault); each with the problem body every other error has. Credentials are read only where roles are
 * required, so open endpoints cost nothing more (Cairn does not use Quarkus' HTTP security, which
 * prepares an identity for every request: it cost a third of a no-op call's throughput). Runs before
 * forwarding, so a node refuses a request before passing it to the object's owner, which checks the
 * forwarded credentials again. Immutable; its handler runs on event-loop threads.
 */
@Singleton
final class AccessCheck {
    private static final Logger LOG = Logger.getLogger(AccessCheck.class);
    /** Before the forwarding to an object's owner (-4). */
    private static final int BEFORE_FORWARDING = -5;
    /** The schemes a 401 offers: users from configuration and bearer JWTs. */
    private static final List<String> CHALLENGES = List.of("Basic realm=\"cairn\"", "Bearer");

    private final AccessRules rules;
    private final ObjectMapper json;
    private final ConfiguredUsers users;
    private final Optional<BearerTokens> tokens;

    AccessCheck(CairnConfig config, ObjectMapper json, InstantSource clock,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> jwtPublicKey,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> jwtPublicKeyLocation,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> jwtIssuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<Set<String>> jwtAudiences) {
        this.rules = new AccessRules(config.namespaces().entrySet().stream()
                .filter(e -> e.getValue().rolesAllowed().isPresent())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue().rolesAllowed().get()))));
        this.json = json;
        this.users = new ConfiguredUsers(config.security().users());
        this.tokens = jwtPublicKey.isPresent() || jwtPublicKeyLocation.isPresent()
                ? Optional.of(new BearerTokens(KeySource.configured(jwtPublicKey.orElse(null), jwtPublicKeyLocation.orElse(null), json, clock),
                        jwtIssuer, jwtAudiences.orElse(Set.of()), json, clock))
                : Optional.empty();
    }

    void routes(@Observes Router router) {
        router.route().order(BEFORE_FORWARDING).handler(this::check);
    }

    /** Says at start-up how a caller gets in, or why nobody can. */
    void announce(@Observes StartupEvent event) {
        if (users.size() == 0 && tokens.isEmpty()) {
            LOG.infof("security: the admin API (/admin/*) answers 401 to everyone: no credentials are configured. Enable it with"
                    + " users (cairn.security.users.<name>.password-hash and .roles=%s) or bearer JWTs"
                    + " (mp.jwt.verify.publickey.location and mp.jwt.verify.issuer; roles from the token's groups claim)",
                    AccessRules.ADMIN_ROLE);
        } else {
            LOG.infof("security: the admin API requires role %s: %d configured users, bearer JWTs %s", AccessRules.ADMIN_ROLE,
                    users.size(), tokens.isPresent() ? "verified with mp.jwt.verify.publickey" : "not configured");
        }
    }

    private void check(RoutingContext ctx) {
        switch (rules.of(ctx.normalizedPath())) {
            case AccessRules.Requirement.Open open -> ctx.next();
            case AccessRules.Requirement.AnyRole need -> authenticate(ctx, need);
        }
    }

    private void authenticate(RoutingContext ctx, AccessRules.Requirement.AnyRole need) {
        switch (Credentials.of(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
            case Credentials.None none -> unauthorized(ctx, need, "no credentials were sent");
            case Credentials.Unusable unusable -> unauthorized(ctx, need, unusable.why());
            case Credentials.Basic basic -> users.authenticate(basic.user(), basic.password()).ifPresentOrElse(
                    caller -> decide(ctx, need, caller),
                    () -> unauthorized(ctx, need, "the credentials sent were not accepted: wrong user name or password"));
            case Credentials.Bearer bearer -> {
                if (tokens.isEmpty()) {
                    unauthorized(ctx, need, "the credentials sent were not accepted: bearer JWTs are not configured"
                            + " (mp.jwt.verify.publickey.location)");
                    return;
                }
                Context context = Vertx.currentContext();
                tokens.get().verify(bearer.token()).whenComplete((caller, failure) -> context.runOnContext(v -> {
                    if (failure == null) {
                        decide(ctx, need, caller);
                    } else {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        switch (cause) {
                            case BearerTokens.KeysUnavailable unavailable -> keysUnavailable(ctx, need, unavailable.getMessage());
                            case BearerTokens.Refused refused -> unauthorized(ctx, need, "the credentials sent were not accepted: "
                                    + refused.getMessage());
                            default -> unauthorized(ctx, need, "the credentials sent were not accepted: the bearer token could not be"
                                    + " verified (" + cause + ")");
                        }
                    }
                }));
            }
        }
    }

    private void decide(RoutingContext ctx, AccessRules.Requirement.AnyRole need, Caller caller) {
        if (caller.hasAnyOf(need.roles())) {
            caller.admit(ctx);
            ctx.next();
        } else {
            write(ctx, Problems.of(ProblemType.FORBIDDEN, 403, need.what() + " requires one of the roles "
                    + new TreeSet<>(need.roles()) + "; " + caller.name() + " has " + new TreeSet<>(caller.roles()),
                    ctx.request().path()));
        }
    }

    private void unauthorized(RoutingContext ctx, AccessRules.Requirement.AnyRole need, String why) {
        ctx.response().headers().add("WWW-Authenticate", CHALLENGES);
        write(ctx, Problems.of(ProblemType.UNAUTHORIZED, 401, need.what() + " requires authentication ("
                + "HTTP Basic or a bearer JWT) with one of the roles " + new TreeSet<>(need.roles()) + ": " + why, ctx.request().path()));
    }

    /** The token may be good, but nothing here can check it until the issuer's keys are fetched: try again after a refetch is due. */
    private void keysUnavailable(RoutingContext ctx, AccessRules.Requirement.AnyRole need, String why) {
        ctx.response().headers().add(HttpHeaders.RETRY_AFTER, Long.toString(KeySource.Fetched.REFETCH_AFTER.toSeconds()));
        write(ctx, Problems.of(ProblemType.KEYS_UNAVAILABLE, 503, need.what() + " cannot check bearer tokens right now: " + why,
                ctx.request().path()));
    }

    private void write(RoutingContext ctx, Problem problem) {
        Problems.answer(ctx.response(), json, problem);
    }
}
