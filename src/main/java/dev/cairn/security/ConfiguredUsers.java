package dev.cairn.security;

import dev.cairn.service.CairnConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * HTTP Basic users from configuration ({@code cairn.security.users.<name>.password-hash} and
 * {@code .roles}), for setups too small for a token issuer. Immutable after construction; called on
 * event-loop threads (a hash is a few microseconds, so nothing blocks).
 */
@Singleton
final class ConfiguredUsers implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private record User(PasswordHash password, Set<String> roles) {}

    /** Checked for a name no user has: no password hashes to 32 zero bytes. */
    private static final PasswordHash NOBODY = new PasswordHash("", new byte[32]);

    private final Map<String, User> users;

    ConfiguredUsers(CairnConfig config) {
        this.users = config.security().users().entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> {
            try {
                return new User(PasswordHash.parse(e.getValue().passwordHash()), Set.copyOf(e.getValue().roles()));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("cairn.security.users." + e.getKey() + ".password-hash: " + bad.getMessage(), bad);
            }
        }));
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        User user = users.get(request.getUsername());
        // An unknown user costs a hash too, so timing does not tell which names exist.
        boolean matches = (user == null ? NOBODY : user.password()).matches(request.getPassword().getPassword());
        if (user == null || !matches) {
            return Uni.createFrom().failure(new AuthenticationFailedException("wrong user name or password"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(request.getUsername()))
                .addRoles(user.roles()).build());
    }
}
