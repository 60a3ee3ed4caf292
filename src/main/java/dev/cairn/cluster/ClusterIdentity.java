package dev.cairn.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fence against a misconfigured node: what a cluster is (this node's id, the members, the shard
 * count, the Raft group count, a fingerprint of each namespace key), written to {@code <data-dir>/cluster.json} at the first
 * start and compared at every later one. A node whose configuration disagrees with its data directory
 * would serve objects it does not hold (or derive other ids from the same names), so it refuses to
 * start, naming each difference. A namespace key is never written: only a salted, truncated SHA-256 of
 * it. Immutable; {@link #fence} runs once, at start-up, before the node serves.
 */
public record ClusterIdentity(String node, Map<String, String> members, int shards, int groups, Map<String, String> namespaceKeys) {
    static final String FILE = "cluster.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@link #fence} did. */
    public enum Fence {
        /** First start: the identity was written. */
        WRITTEN,
        /** The data directory's identity is this one. */
        MATCHED
    }

    /** The identity of this configuration: {@code namespaceKeys} maps each declared namespace to its key. */
    public static ClusterIdentity of(Members members, Shards shards, Groups groups, Map<String, String> namespaceKeys) {
        Map<String, String> urls = new TreeMap<>();
        members.all().forEach(m -> urls.put(m.id(), m.url().toString()));
        Map<String, String> fingerprints = new TreeMap<>();
        namespaceKeys.forEach((ns, key) -> fingerprints.put(ns, fingerprint(ns, key)));
        return new ClusterIdentity(members.self(), urls, shards.count(), groups.count(), fingerprints);
    }

    /**
     * Writes this identity into {@code dataDir} if it holds none; otherwise compares.
     *
     * @throws IllegalStateException naming each difference between this configuration and the data directory's
     * @throws java.io.UncheckedIOException when the file cannot be read or written
     */
    public Fence fence(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                write(file);
                return Fence.WRITTEN;
            }
            ClusterIdentity stored;
            try {
                stored = read(JSON.readTree(Files.readString(file)));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(file.toAbsolutePath() + " is not a cluster identity Cairn wrote (" + e.getMessage()
                        + "); restore it, or move the data directory aside to start a new cluster there");
            }
            List<String> differences = differencesFrom(stored);
            if (!differences.isEmpty()) {
                throw new IllegalStateException("this node's cluster configuration differs from the one its data directory "
                        + dataDir.toAbsolutePath() + " was created with (" + FILE + "):\n  " + String.join("\n  ", differences)
                        + "\nStart it with the configuration it was created with; a changed cluster is a new cluster:"
                        + " its nodes start on empty data directories.");
            }
            return Fence.MATCHED;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read or write " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Each field where this configuration differs from {@code stored}, in words, naming its key. */
    List<String> differencesFrom(ClusterIdentity stored) {
        List<String> out = new ArrayList<>();
        if (!node.equals(stored.node)) {
            out.add(Members.NODE_ID_KEY + " is " + node + " but this data directory holds the objects of node " + stored.node);
        }
        if (!members.equals(stored.members)) {
            out.add(Members.MEMBERS_KEY + " is " + listing(members) + " but this data directory was created by a cluster of "
                    + listing(stored.members));
        }
        if (shards != stored.shards) {
            out.add(Shards.KEY + " is " + shards + " but this data directory was created by a cluster of " + stored.shards + " shards");
        }
        if (groups != stored.groups) {
            out.add(Groups.KEY + " is " + groups + " but this data directory was created by a cluster of "
                    + (stored.groups == 0 ? "no Raft groups (without replication)"
                            : stored.groups + " Raft groups (set " + Groups.KEY + "=" + stored.groups + " on every member; unset, it is "
                                    + Groups.PER_MEMBER + " per member)"));
        }
        var names = new TreeSet<>(namespaceKeys.keySet());
        names.addAll(stored.namespaceKeys.keySet());
        for (String ns : names) {
            String now = namespaceKeys.get(ns);
            String then = stored.namespaceKeys.get(ns);
            if (then == null) {
                out.add("namespace " + ns + " is declared but was not when this data directory was created");
            } else if (now == null) {
                out.add("namespace " + ns + " was declared when this data directory was created and is not now");
            } else if (!now.equals(then)) {
                out.add("cairn.namespaces." + ns + ".key differs from the key this data directory was created with"
                        + " (its objects' ids would change)");
            }
        }
        return out;
    }

    private static String listing(Map<String, String> members) {
        return String.join(",", members.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** Temp file, fsync, atomic rename, fsync of the directory: a crash leaves the old state or the new, whole. */
    private void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("node", node);
        ObjectNode m = root.putObject("members");
        members.forEach(m::put);
        root.put("shards", shards);
        root.put("groups", groups);
        ObjectNode ns = root.putObject("namespaceKeys");
        namespaceKeys.forEach(ns::put);
        Path temp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException notSupported) {
            // Some file systems cannot fsync a directory; the rename is then as durable as they make it.
        }
    }

    private static ClusterIdentity read(JsonNode root) {
        return new ClusterIdentity(text(root, "node"), strings(root.required("members")), root.required("shards").intValue(),
                root.path("groups").intValue(), strings(root.required("namespaceKeys")));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.required(field);
        if (!n.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is not a string");
        }
        return n.textValue();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            var e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** The first 16 hex digits of SHA-256 over a fixed prefix, the namespace and its key. */
    static String fingerprint(String namespace, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("cairn-cluster-identity:" + namespace + "=" + key).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
