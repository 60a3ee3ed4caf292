package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.browser.Chromium;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * End to end: headless Chromium tabs open /chat.html and chat through the ChatRoom object: two join
 * one room and exchange messages, one leaves, and a third tab joining later gets the history and the
 * members. Skipped, saying so, when no Chromium is installed ({@code apt-get install chromium}).
 */
@QuarkusTest
class ChatPageTest {
    @TestHTTPResource("/chat.html")
    URI page;

    /** JavaScript: whether the page shows a message {@code text} from {@code user}. */
    private static String shows(String user, String text) {
        return "[...document.querySelectorAll('#messages li')].some(li => li.querySelector('.user')?.textContent === '" + user
                + "' && li.querySelector('.text')?.textContent === '" + text + "')";
    }

    private static String members() {
        return "[...document.querySelectorAll('#members li')].map(li => li.textContent).join(',')";
    }

    @Test
    void twoPeopleChatInTheirBrowsers() throws Exception {
        Path binary = Chromium.binary().orElse(null);
        Assumptions.assumeTrue(binary != null,
                "no Chromium binary found (chromium, chromium-browser, google-chrome): skipping the browser test; apt-get install chromium");
        String room = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        try (Chromium chromium = Chromium.launch(binary)) {
            var ada = chromium.open(page + "?room=" + room + "&user=ada");
            ada.waitFor("document.getElementById('status').textContent.startsWith('connected')");
            var bob = chromium.open(page + "?room=" + room + "&user=bob");
            bob.waitFor("document.getElementById('status').textContent.startsWith('connected')");
            ada.waitFor(members() + " === 'ada,bob'");
            assertEquals("ada,bob", bob.eval(members()).asText(), "both see who is in the room");

            ada.eval("document.getElementById('text').value = 'hello from ada'; document.getElementById('send').click()");
            bob.waitFor(shows("ada", "hello from ada"));
            bob.eval("document.getElementById('text').value = 'hi ada, bob here'; document.getElementById('send').click()");
            ada.waitFor(shows("bob", "hi ada, bob here"));
            ada.waitFor(shows("ada", "hello from ada")); // everyone gets the broadcast, the sender too

            bob.eval("document.getElementById('leave').click()");
            ada.waitFor("document.getElementById('messages').textContent.includes('bob left')");
            assertEquals("ada", ada.eval(members()).asText());

            var carol = chromium.open(page + "?room=" + room + "&user=carol");
            carol.waitFor(shows("ada", "hello from ada") + " && " + shows("bob", "hi ada, bob here"));
            assertEquals("ada,carol", carol.eval(members()).asText(), "a newcomer gets the history and the members");
        }
    }
}
