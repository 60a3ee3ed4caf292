package dev.cairn.forwarding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which object a request path addresses, so that a cluster forwards it to the object's owner. */
class ObjectAddressTest {
    private static final String ID = "a".repeat(64);

    @Test
    void anObjectIsAddressedByNameByIdOrThroughTheAdminApi() {
        assertEquals(Optional.of(new ObjectAddress("counter", ObjectAddress.By.NAME, "hello world")),
                ObjectAddress.of("/objects/counter/hello%20world/increment"));
        assertEquals(Optional.of(new ObjectAddress("counter", ObjectAddress.By.ID, ID)), ObjectAddress.of("/ids/counter/" + ID));
        assertEquals(Optional.of(new ObjectAddress("counter", ObjectAddress.By.ADMIN_ID, ID)),
                ObjectAddress.of("/admin/objects/counter/" + ID + "/query"));
        assertEquals(Optional.of(new ObjectAddress("counter", ObjectAddress.By.ADMIN_ID, ID)), ObjectAddress.of("/admin/objects/counter/" + ID));
    }

    @Test
    void pathsOfNoObjectAddressNone() {
        assertEquals(Optional.empty(), ObjectAddress.of("/objects/counter"), "minting an id");
        assertEquals(Optional.empty(), ObjectAddress.of("/admin/namespaces/counter/objects"), "a namespace's listing stays on the node asked");
        assertEquals(Optional.empty(), ObjectAddress.of("/admin/alarms"));
        assertEquals(Optional.empty(), ObjectAddress.of("/objects/Counter/x"), "not a namespace name");
    }
}
