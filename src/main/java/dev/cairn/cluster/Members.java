package dev.cairn.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The nodes of the cluster as {@code cairn.cluster.members} lists them, and which one is this node
 * ({@code cairn.cluster.node-id}). Parsed and checked once at start-up; every mistake is reported at
 * once, naming its key and value. Immutable.
 */
public final class Members {
    static final String NODE_ID_KEY = "cairn.cluster.node-id";
    static final String MEMBERS_KEY = "cairn.cluster.members";
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,63}");
    private static final String ID_RULE = "1 to 63 lowercase letters, digits or '-'";

    private final String self;
    /** In configured order. */
    private final Map<String, Member> byId;

    private Members(String self, Map<String, Member> byId) {
        this.self = self;
        this.byId = byId;
    }

    /**
     * The members {@code members} lists ({@code n1=http://host:port,n2=…}), this node being {@code nodeId}.
     *
     * @throws IllegalStateException naming each mistake with its key and value
     */
    public static Members parse(String nodeId, String members) {
        List<String> problems = new ArrayList<>();
        Map<String, Member> byId = new LinkedHashMap<>();
        Map<URI, String> idOfUrl = new LinkedHashMap<>();
        for (String entry : members.split(",", -1)) {
            String e = entry.strip();
            if (e.isEmpty()) {
                problems.add(MEMBERS_KEY + ": an empty entry in '" + members + "' (allowed: id=http://host:port, comma-separated)");
                continue;
            }
            int eq = e.indexOf('=');
            if (eq < 0) {
                problems.add(MEMBERS_KEY + ": '" + e + "' has no '=' (allowed: id=http://host:port, e.g. n1=http://10.0.0.1:8080)");
                continue;
            }
            String id = e.substring(0, eq).strip();
            String url = e.substring(eq + 1).strip();
            if (!ID.matcher(id).matches()) {
                problems.add(MEMBERS_KEY + ": invalid member id '" + id + "' in '" + e + "' (allowed: " + ID_RULE + ")");
                continue;
            }
            URI uri;
            try {
                uri = baseUrl(url);
            } catch (IllegalArgumentException bad) {
                problems.add(MEMBERS_KEY + ": member " + id + ": " + bad.getMessage());
                continue;
            }
            if (byId.containsKey(id)) {
                problems.add(MEMBERS_KEY + ": member id '" + id + "' is listed twice; each node is listed once");
                continue;
            }
            String other = idOfUrl.putIfAbsent(uri, id);
            if (other != null) {
                problems.add(MEMBERS_KEY + ": members " + other + " and " + id + " have the same URL " + uri + "; each node has its own");
                continue;
            }
            byId.put(id, new Member(id, uri));
        }
        if (nodeId == null || nodeId.isBlank()) {
            problems.add(NODE_ID_KEY + ": missing; with " + MEMBERS_KEY + " set, each node names itself as one of: "
                    + String.join(", ", byId.keySet()));
        } else if (!ID.matcher(nodeId).matches()) {
            problems.add(NODE_ID_KEY + ": invalid node id '" + nodeId + "' (allowed: " + ID_RULE + ")");
        } else if (!byId.isEmpty() && !byId.containsKey(nodeId)) {
            problems.add(NODE_ID_KEY + ": '" + nodeId + "' is not one of the members in " + MEMBERS_KEY + " ("
                    + String.join(", ", byId.keySet()) + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid cluster configuration:\n  " + String.join("\n  ", problems));
        }
        return new Members(nodeId, byId);
    }

    /** {@code http(s)://host:port}, nothing else (a trailing '/' is dropped). */
    private static URI baseUrl(String text) {
        String rule = " (allowed: http://host:port or https://host:port, no path)";
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL" + rule);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("'" + text + "' is not an http or https URL" + rule);
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("'" + text + "' has no host and port" + rule);
        }
        if (!uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' has more than a scheme, host and port" + rule);
        }
        return uri;
    }

    /** This node's id. */
    public String self() {
        return self;
    }

    /** Every member, this node included, in configured order. */
    public List<Member> all() {
        return List.copyOf(byId.values());
    }

    /** Every member but this node, in configured order. */
    public List<Member> others() {
        return byId.values().stream().filter(m -> !m.id().equals(self)).toList();
    }

    /** The member {@code id}. */
    public Member member(String id) {
        Member m = byId.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no member '" + id + "' (members: " + String.join(", ", byId.keySet()) + ")");
        }
        return m;
    }

    /** The base URL of member {@code id}. */
    public URI url(String id) {
        return member(id).url();
    }

    /** The ids, in configured order. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }
}
