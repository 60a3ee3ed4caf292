package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembersTest {
    @Test
    void parsesTheMembersInConfiguredOrderAndKnowsWhichIsThisNode() {
        Members m = Members.parse("n2", " n1=http://10.0.0.1:8080, n2=http://10.0.0.2:8080/ ,n3=https://c.example:443");
        assertEquals("n2", m.self());
        assertEquals(List.of("n1", "n2", "n3"), m.ids());
        assertEquals(URI.create("http://10.0.0.2:8080"), m.url("n2"));
        assertEquals(List.of("n1", "n3"), m.others().stream().map(Member::id).toList());
    }

    @Test
    void everyMistakeIsNamedWithItsKeyAndValueAtOnce() {
        var e = assertThrows(IllegalStateException.class, () -> Members.parse("n9",
                "N1=http://a:1,n2,n3=ftp://c:3,n4=http://d,n5=http://e:5/path,n6=http://f:6,n6=http://g:7,n7=http://f:6,"));
        assertEquals("""
                invalid cluster configuration:
                  cairn.cluster.members: invalid member id 'N1' in 'N1=http://a:1' (allowed: 1 to 63 lowercase letters, digits or '-')
                  cairn.cluster.members: 'n2' has no '=' (allowed: id=http://host:port, e.g. n1=http://10.0.0.1:8080)
                  cairn.cluster.members: member n3: 'ftp://c:3' is not an http or https URL (allowed: http://host:port or https://host:port, no path)
                  cairn.cluster.members: member n4: 'http://d' has no host and port (allowed: http://host:port or https://host:port, no path)
                  cairn.cluster.members: member n5: 'http://e:5/path' has more than a scheme, host and port (allowed: http://host:port or https://host:port, no path)
                  cairn.cluster.members: member id 'n6' is listed twice; each node is listed once
                  cairn.cluster.members: members n6 and n7 have the same URL http://f:6; each node has its own
                  cairn.cluster.members: an empty entry in 'N1=http://a:1,n2,n3=ftp://c:3,n4=http://d,n5=http://e:5/path,n6=http://f:6,n6=http://g:7,n7=http://f:6,' (allowed: id=http://host:port, comma-separated)
                  cairn.cluster.node-id: 'n9' is not one of the members in cairn.cluster.members (n6)""", e.getMessage());
    }

    @Test
    void aClusterNeedsThisNodesId() {
        var e = assertThrows(IllegalStateException.class, () -> Members.parse(null, "n1=http://a:1,n2=http://b:2"));
        assertEquals("invalid cluster configuration:\n  cairn.cluster.node-id: missing; with cairn.cluster.members set,"
                + " each node names itself as one of: n1, n2", e.getMessage());
        var bad = assertThrows(IllegalStateException.class, () -> Members.parse("Node 1", "n1=http://a:1"));
        assertEquals("invalid cluster configuration:\n  cairn.cluster.node-id: invalid node id 'Node 1'"
                + " (allowed: 1 to 63 lowercase letters, digits or '-')", bad.getMessage());
    }
}
