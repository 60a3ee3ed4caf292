package dev.cairn.rest;

import static dev.cairn.Admin.asAdmin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Admin;
import dev.cairn.Alarmed;
import dev.cairn.api.Namespaces;
import dev.cairn.browser.Chromium;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * End to end in headless Chromium: the console at /console/ signs in with a user of role cairn-admin,
 * lists the namespaces, finds an object by name, opens it (tables, entries), runs a query and deletes it.
 * Skipped, saying so, when no Chromium is installed ({@code apt-get install chromium}).
 */
@QuarkusTest
class ConsolePageTest {
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @TestHTTPResource("/console/")
    URI page;
    @Inject
    Namespaces namespaces;

    @Test
    void anAdministratorListsOpensQueriesAndDeletesAnObjectInTheBrowser() throws Exception {
        Path binary = Chromium.binary().orElse(null);
        Assumptions.assumeTrue(binary != null,
                "no Chromium binary found (chromium, chromium-browser, google-chrome): skipping the browser test; apt-get install chromium");
        String name = "console-" + UUID.randomUUID();
        cairn.get(Alarmed.class, name).call(a -> {
            a.ctx.storage().sql().exec("CREATE TABLE notes (body TEXT)");
            a.ctx.storage().sql().exec("INSERT INTO notes VALUES ('first'), ('second')");
            a.ctx.storage().put("greeting", "hello");
            return null;
        });
        String id = namespaces.get("alarmed").idFromName(name).toString();
        try (Chromium chromium = Chromium.launch(binary)) {
            var console = chromium.open(page.toString());
            console.waitFor("document.getElementById('connect') !== null");
            console.eval("document.getElementById('user').value = 'viewer'; document.getElementById('password').value = '"
                    + Admin.VIEWER_PASSWORD + "'; document.getElementById('connect').click()");
            console.waitFor("document.getElementById('error').textContent.startsWith('403')");

            console.eval("document.getElementById('user').value = 'admin'; document.getElementById('password').value = 'admin-secret';"
                    + " document.getElementById('connect').click()");
            console.waitFor("document.querySelector('#namespaces tr[data-ns=\"alarmed\"]') !== null");
            console.eval("document.querySelector('#namespaces tr[data-ns=\"alarmed\"]').click()");
            console.waitFor("!document.getElementById('objects-view').classList.contains('hidden')");
            console.eval("document.getElementById('prefix').value = '" + name + "'; document.getElementById('search').click()");
            console.waitFor("document.querySelectorAll('#objects tbody tr').length === 1"
                    + " && document.querySelector('#objects tbody tr').dataset.id === '" + id + "'");

            console.eval("document.querySelector('#objects tbody tr').click()");
            console.waitFor("document.getElementById('object-title').textContent === 'alarmed / " + name + "'"
                    + " && !document.getElementById('object-view').classList.contains('hidden')");
            assertTrue(console.eval("document.getElementById('tables').textContent").asText().contains("notes (body TEXT): 2 rows"));
            assertEquals("greeting", console.eval("document.querySelector('#entries tbody td').textContent").asText());

            console.eval("document.getElementById('sql').value = 'SELECT body FROM notes ORDER BY body'; document.getElementById('run').click()");
            console.waitFor("document.querySelectorAll('#result tbody tr').length === 2");
            assertEquals("first,second", console.eval("[...document.querySelectorAll('#result tbody td')].map(t => t.textContent).join(',')").asText());
            console.eval("document.getElementById('sql').value = 'DELETE FROM notes'; document.getElementById('run').click()");
            console.waitFor("document.getElementById('error').textContent.includes('DELETE is not allowed here')");

            console.eval("window.confirm = () => true; document.getElementById('delete').click()");
            console.waitFor("!document.getElementById('objects-view').classList.contains('hidden')"
                    + " && document.querySelectorAll('#objects tbody tr').length === 0");
        }
        asAdmin().get("/admin/objects/alarmed/" + id).then().statusCode(404);
    }
}
