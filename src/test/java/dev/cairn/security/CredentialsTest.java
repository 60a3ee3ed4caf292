package dev.cairn.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** What an Authorization header offers, and what is said about one Cairn cannot use. */
class CredentialsTest {
    @Test
    void basicCredentialsAreAUserAndAPasswordThatMayHoldColons() {
        var basic = assertInstanceOf(Credentials.Basic.class, Credentials.of("Basic " + base64("ops:pa:ss")));
        assertEquals("ops", basic.user());
        assertArrayEquals("pa:ss".toCharArray(), basic.password());
        assertInstanceOf(Credentials.Basic.class, Credentials.of("basic " + base64("ops:")), "schemes are case-insensitive");
    }

    @Test
    void aBearerTokenIsTakenAsSent() {
        assertEquals(new Credentials.Bearer("a.b.c"), Credentials.of("Bearer  a.b.c "));
    }

    @Test
    void noHeaderIsNoCredentials() {
        assertEquals(new Credentials.None(), Credentials.of(null));
        assertEquals(new Credentials.None(), Credentials.of(" "));
    }

    @Test
    void anUnusableHeaderSaysWhatWasWrongAndWhatIsAccepted() {
        assertEquals(new Credentials.Unusable("the Authorization header's scheme Digest is not one Cairn accepts (Basic or Bearer)"),
                Credentials.of("Digest username=\"ops\""));
        assertEquals(new Credentials.Unusable("the Authorization header's Basic credentials are not base64 of user:password"),
                Credentials.of("Basic ???"));
        assertEquals(new Credentials.Unusable("the Authorization header's Basic credentials are not base64 of user:password (no colon)"),
                Credentials.of("Basic " + base64("ops")));
        assertEquals(new Credentials.Unusable("the Authorization header's Bearer scheme carries no token"), Credentials.of("Bearer"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
