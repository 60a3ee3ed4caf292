package dev.cairn.namespaces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks the declared namespaces at start-up and turns them into kinds, and into the lifecycle changes
 * (renames, deletions) the data directory is to undergo. Every mistake is reported at once, each naming
 * the configuration key at fault. Immutable.
 */
public final class NamespaceDeclarations {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /**
     * Directories of the data directory that are not namespaces: the commit log's and the Raft
     * groups'. A namespace of one of these names would share its directory.
     */
    public static final Set<String> RESERVED = Set.of("commit-log", "raft");

    /**
     * One declared namespace. {@code key}: the secret its ids are derived from, when configured; when
     * not, {@link #keyFor} derives one from the name the namespace's objects were first stored under.
     */
    public record Declaration(String name, ObjectKind<?> kind, Optional<String> key, OptionalInt mailboxCapacity,
            Optional<Duration> eventTimeout) {
        /**
         * The key of this namespace's ids, {@code origin} being the name its objects were first stored
         * under (its own, unless it was renamed): a rename keeps every id.
         */
        public String keyFor(String origin) {
            return key.orElse("cairn-namespace:" + origin);
        }
    }

    /** A declaration as read from the configuration. */
    public record Raw(Optional<String> className, Optional<String> key, OptionalInt mailboxCapacity, Optional<Duration> eventTimeout,
            Optional<String> renamedFrom, boolean deleted) {
        /** Nothing set, or only an empty class: no namespace. */
        static final Raw UNDECLARED = new Raw(Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(),
                Optional.empty(), false);

        /** A namespace declared with a class and nothing else. */
        public static Raw ofClass(String className) {
            return new Raw(Optional.of(className), Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), false);
        }
    }

    /** What happens to namespaces' stored objects at start-up (Cloudflare's class migrations). */
    public sealed interface Lifecycle {
        /** The objects of {@code from} are served as {@code to}'s, under the same ids. */
        record Renamed(String from, String to) implements Lifecycle {}

        /** Every object, alarm and file of {@code namespace} is removed. */
        record Deleted(String namespace) implements Lifecycle {}
    }

    /** The namespaces served, and the lifecycle changes declared. */
    public record Declared(List<Declaration> live, List<Lifecycle> lifecycle) {
        /** Only {@code live} namespaces, no change. */
        public static Declared of(List<Declaration> live) {
            return new Declared(live, List.of());
        }
    }

    /** The longest time limit of an event (node-wide or a namespace's), as Cloudflare's. */
    public static final Duration MAX_EVENT_TIMEOUT = Duration.ofMinutes(5);

    private NamespaceDeclarations() {}

    /**
     * @throws IllegalStateException listing every invalid declaration with its key
     */
    public static Declared validate(Map<String, Raw> declared, ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        List<Declaration> result = new ArrayList<>();
        List<Lifecycle> lifecycle = new ArrayList<>();
        Map<Class<?>, String> namespaceOfClass = new LinkedHashMap<>();
        Map<String, String> renamedBy = new TreeMap<>();
        for (var e : new TreeMap<>(declared).entrySet()) {
            String ns = e.getKey();
            Raw raw = e.getValue();
            String prefix = "cairn.namespaces." + ns + ".";
            String key = prefix + "class";
            if (!NAME.matcher(ns).matches()) {
                problems.add(key + ": invalid namespace name '" + ns
                        + "' (allowed: a lowercase letter, then up to 62 lowercase letters, digits or '-')");
                continue;
            }
            if (RESERVED.contains(ns)) {
                problems.add(key + ": '" + ns + "' names a directory Cairn keeps for itself in the data directory; reserved: "
                        + new TreeSet<>(RESERVED));
                continue;
            }
            if (raw.deleted()) {
                if (raw.className().isPresent() || raw.renamedFrom().isPresent()) {
                    problems.add(prefix + "deleted: a deleted namespace has no " + (raw.className().isPresent() ? "class" : "renamed-from")
                            + "; remove " + prefix + (raw.className().isPresent() ? "class" : "renamed-from")
                            + ", or deleted to keep serving it");
                } else {
                    lifecycle.add(new Lifecycle.Deleted(ns));
                }
                continue;
            }
            if (raw.equals(Raw.UNDECLARED)) {
                continue; // an empty class switches off a namespace declared by a source below (the examples')
            }
            if (raw.className().isEmpty()) {
                problems.add(key + ": missing: the namespace's object class (or set " + prefix
                        + "deleted=true to delete its stored objects)");
                continue;
            }
            if (raw.renamedFrom().isPresent()) {
                String from = raw.renamedFrom().get().strip();
                if (!NAME.matcher(from).matches() || RESERVED.contains(from) || from.equals(ns)) {
                    problems.add(prefix + "renamed-from: '" + from + "' is not another namespace's name (allowed: a lowercase letter,"
                            + " then up to 62 lowercase letters, digits or '-'; not " + ns + " itself, nor " + new TreeSet<>(RESERVED) + ")");
                    continue;
                }
                String earlier = renamedBy.putIfAbsent(from, ns);
                if (earlier != null) {
                    problems.add(prefix + "renamed-from: '" + from + "' is already renamed to '" + earlier + "' (cairn.namespaces."
                            + earlier + ".renamed-from); a namespace's objects move to one new name");
                    continue;
                }
                lifecycle.add(new Lifecycle.Renamed(from, ns));
            }
            ObjectKind<?> kind;
            try {
                kind = ObjectKind.load(raw.className().get().strip(), loader);
            } catch (IllegalArgumentException ex) {
                problems.add(key + ": " + ex.getMessage());
                continue;
            }
            String previous = namespaceOfClass.putIfAbsent(kind.type(), ns);
            if (previous != null) {
                problems.add(key + ": duplicate: class " + kind.type().getName()
                        + " is already bound to namespace '" + previous + "' (cairn.namespaces." + previous
                        + ".class); each class serves exactly one namespace");
                continue;
            }
            OptionalInt capacity = raw.mailboxCapacity();
            if (capacity.isPresent() && capacity.getAsInt() < 1) {
                problems.add(prefix + "mailbox-capacity: must be at least 1, got " + capacity.getAsInt());
                continue;
            }
            Optional<Duration> timeout = raw.eventTimeout();
            if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero() || timeout.get().compareTo(MAX_EVENT_TIMEOUT) > 0)) {
                problems.add(prefix + "event-timeout: must be more than 0 and at most 5 minutes, got " + timeout.get());
                continue;
            }
            result.add(new Declaration(ns, kind, raw.key(), capacity, timeout));
        }
        for (var rename : renamedBy.entrySet()) {
            Raw old = declared.get(rename.getKey());
            if (old != null && old.deleted()) {
                problems.add("cairn.namespaces." + rename.getValue() + ".renamed-from: '" + rename.getKey()
                        + "' is declared deleted (cairn.namespaces." + rename.getKey() + ".deleted); its objects cannot also move");
            } else if (old != null && old.renamedFrom().isPresent()) {
                problems.add("cairn.namespaces." + rename.getValue() + ".renamed-from: '" + rename.getKey() + "' is itself renamed from '"
                        + old.renamedFrom().get().strip() + "'; rename one step at a time (start once with the first rename, then declare the next)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid namespace configuration:\n  " + String.join("\n  ", problems));
        }
        return new Declared(result, lifecycle);
    }
}
