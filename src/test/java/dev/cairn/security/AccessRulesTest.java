package dev.cairn.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.security.AccessRules.Requirement;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each path requires. */
class AccessRulesTest {
    private final AccessRules rules = new AccessRules(Map.of("vault", Set.of("teller")));

    @Test
    void theAdminApiRequiresTheAdminRole() {
        Requirement admin = new Requirement.AnyRole(Set.of("cairn-admin"), "the admin API");
        assertEquals(admin, rules.of("/admin/alarms"));
        assertEquals(admin, rules.of("/admin"));
        assertEquals(admin, rules.of("/admin/"));
    }

    @Test
    void aNamespaceWithRolesRequiresThemByNameByIdAndForItsSockets() {
        Requirement vault = new Requirement.AnyRole(Set.of("teller"), "namespace vault");
        assertEquals(vault, rules.of("/objects/vault"));
        assertEquals(vault, rules.of("/objects/vault/main/deposit"));
        assertEquals(vault, rules.of("/objects/vault/main/ws"));
        assertEquals(vault, rules.of("/ids/vault/0123/fetch/x"));
    }

    @Test
    void everythingElseIsOpen() {
        for (String path : new String[] {"/", "", "/objects/counter/a/increment", "/objects", "/ids/counter/0123",
                "/q/health", "/q/metrics", "/q/openapi", "/cluster", "/administrator", "/objects/vaults/a"}) {
            assertEquals(new Requirement.Open(), rules.of(path), path);
        }
    }
}
