package dev.cairn.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import dev.cairn.rest.model.Problem;
import dev.cairn.service.CairnConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Lets a request through only with the roles its path requires ({@link AccessRules}): without
 * credentials, or with credentials that do not authenticate, 401; authenticated without one of the roles,
 * 403; both with the problem body every other error has. Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}): credentials are checked only where roles are required,
 * so open endpoints cost nothing more. Runs before forwarding, so a node refuses a request before
 * passing it to the object's owner, which checks the forwarded credentials again. Stateless; its
 * handler runs on event-loop threads.
 */
@Singleton
final class AccessCheck {
    private static final Logger LOG = Logger.getLogger(AccessCheck.class);
    /** Before the forwarding to an object's owner (-4), after Quarkus' authentication set up the request's deferred identity. */
    private static final int BEFORE_FORWARDING = -5;
    /** The schemes a 401 offers: users from configuration and bearer JWTs. */
    private static final List<String> CHALLENGES = List.of("Basic realm=\"cairn\"", "Bearer");

    private static final BiConsumer<RoutingContext, Throwable> ANSWERED_HERE = (ctx, failure) -> { };

    private final AccessRules rules;
    private final ObjectMapper json;
    private final int users;
    private final boolean jwtKey;

    AccessCheck(CairnConfig config, ObjectMapper json,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> jwtPublicKey,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> jwtPublicKeyLocation) {
        this.rules = new AccessRules(config.namespaces().entrySet().stream()
                .filter(e -> e.getValue().rolesAllowed().isPresent())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue().rolesAllowed().get()))));
        this.json = json;
        this.users = config.security().users().size();
        this.jwtKey = jwtPublicKey.isPresent() || jwtPublicKeyLocation.isPresent();
    }

    void routes(@Observes Router router) {
        router.route().order(BEFORE_FORWARDING).handler(this::check);
    }

    /** Says at start-up how a caller gets in, or why nobody can. */
    void announce(@Observes StartupEvent event) {
        if (users == 0 && !jwtKey) {
            LOG.infof("security: the admin API (/admin/*) answers 401 to everyone: no credentials are configured. Enable it with"
                    + " users (cairn.security.users.<name>.password-hash and .roles=%s) or bearer JWTs"
                    + " (mp.jwt.verify.publickey.location and mp.jwt.verify.issuer; roles from the token's groups claim)",
                    AccessRules.ADMIN_ROLE);
        } else {
            LOG.infof("security: the admin API requires role %s: %d configured users, bearer JWTs %s", AccessRules.ADMIN_ROLE, users,
                    jwtKey ? "verified with mp.jwt.verify.publickey" : "not configured");
        }
    }

    private void check(RoutingContext ctx) {
        switch (rules.of(ctx.normalizedPath())) {
            case AccessRules.Requirement.Open open -> ctx.next();
            case AccessRules.Requirement.AnyRole need -> {
                Uni<SecurityIdentity> identity = QuarkusHttpUser.getSecurityIdentity(ctx, null);
                if (identity == null) {
                    unauthorized(ctx, need, "no credentials were sent");
                    return;
                }
                Context context = Vertx.currentContext();
                // Failed credentials are answered below, with the problem body; Quarkus' own handler would answer first, bare.
                ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, ANSWERED_HERE);
                identity.subscribe().with(
                        who -> context.runOnContext(v -> decide(ctx, need, who)),
                        failure -> context.runOnContext(v -> unauthorized(ctx, need, "the credentials sent were not accepted")));
            }
        }
    }

    private void decide(RoutingContext ctx, AccessRules.Requirement.AnyRole need, SecurityIdentity who) {
        if (who.isAnonymous()) {
            unauthorized(ctx, need, "no credentials were sent");
        } else if (need.roles().stream().anyMatch(who::hasRole)) {
            ctx.next();
        } else {
            write(ctx, Problems.of(ProblemType.FORBIDDEN, 403, need.what() + " requires one of the roles "
                    + new TreeSet<>(need.roles()) + "; " + who.getPrincipal().getName() + " has " + new TreeSet<>(who.getRoles()),
                    ctx.request().path()));
        }
    }

    private void unauthorized(RoutingContext ctx, AccessRules.Requirement.AnyRole need, String why) {
        ctx.response().headers().add("WWW-Authenticate", CHALLENGES);
        write(ctx, Problems.of(ProblemType.UNAUTHORIZED, 401, need.what() + " requires authentication ("
                + "HTTP Basic or a bearer JWT) with one of the roles " + new TreeSet<>(need.roles()) + ": " + why, ctx.request().path()));
    }

    private void write(RoutingContext ctx, Problem problem) {
        Problems.answer(ctx.response(), json, problem);
    }
}
