package dev.cairn.security;

import dev.cairn.service.CairnConfig;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * HTTP Basic users from configuration ({@code cairn.security.users.<name>.password-hash} and
 * {@code .roles}), for setups too small for a token issuer. Immutable after construction; called on
 * event-loop threads (a hash is a few microseconds, so nothing blocks).
 */
final class ConfiguredUsers {
    private record User(PasswordHash password, Set<String> roles) {}

    /** Checked for a name no user has: no password hashes to 32 zero bytes. */
    private static final PasswordHash NOBODY = new PasswordHash("", new byte[32]);

    private final Map<String, User> users;

    /** A malformed hash is refused naming its key. */
    ConfiguredUsers(Map<String, CairnConfig.UserConfig> configured) {
        this.users = configured.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> {
            try {
                return new User(PasswordHash.parse(e.getValue().passwordHash()), Set.copyOf(e.getValue().roles()));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("cairn.security.users." + e.getKey() + ".password-hash: " + bad.getMessage(), bad);
            }
        }));
    }

    int size() {
        return users.size();
    }

    /** The caller these credentials name, when the password is that user's. */
    Optional<Caller> authenticate(String name, char[] password) {
        User user = users.get(name);
        // An unknown user costs a hash too, so timing does not tell which names exist.
        boolean matches = (user == null ? NOBODY : user.password()).matches(password);
        return user != null && matches ? Optional.of(new Caller(name, user.roles())) : Optional.empty();
    }
}
