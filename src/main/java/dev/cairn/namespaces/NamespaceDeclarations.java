package dev.cairn.namespaces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks the declared namespaces at start-up and turns them into kinds. Every mistake is reported at
 * once, each naming the configuration key at fault. Immutable.
 */
public final class NamespaceDeclarations {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** One declared namespace. */
    public record Declaration(String name, ObjectKind<?> kind, String key, OptionalInt mailboxCapacity, Optional<Duration> eventTimeout) {}

    /** A declaration as read from the configuration. */
    public record Raw(String className, Optional<String> key, OptionalInt mailboxCapacity, Optional<Duration> eventTimeout) {}

    /** The longest time limit of an event (node-wide or a namespace's), as Cloudflare's. */
    public static final Duration MAX_EVENT_TIMEOUT = Duration.ofMinutes(5);

    private NamespaceDeclarations() {}

    /**
     * @throws IllegalStateException listing every invalid declaration with its key
     */
    public static List<Declaration> validate(Map<String, Raw> declared, ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        List<Declaration> result = new ArrayList<>();
        Map<Class<?>, String> namespaceOfClass = new LinkedHashMap<>();
        for (var e : new TreeMap<>(declared).entrySet()) {
            String ns = e.getKey();
            String key = "cairn.namespaces." + ns + ".class";
            if (!NAME.matcher(ns).matches()) {
                problems.add(key + ": invalid namespace name '" + ns
                        + "' (allowed: a lowercase letter, then up to 62 lowercase letters, digits or '-')");
                continue;
            }
            ObjectKind<?> kind;
            try {
                kind = ObjectKind.load(e.getValue().className().strip(), loader);
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
            OptionalInt capacity = e.getValue().mailboxCapacity();
            if (capacity.isPresent() && capacity.getAsInt() < 1) {
                problems.add("cairn.namespaces." + ns + ".mailbox-capacity: must be at least 1, got " + capacity.getAsInt());
                continue;
            }
            Optional<Duration> timeout = e.getValue().eventTimeout();
            if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero() || timeout.get().compareTo(MAX_EVENT_TIMEOUT) > 0)) {
                problems.add("cairn.namespaces." + ns + ".event-timeout: must be more than 0 and at most 5 minutes, got " + timeout.get());
                continue;
            }
            result.add(new Declaration(ns, kind, e.getValue().key().orElse("cairn-namespace:" + ns), capacity, timeout));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid namespace configuration:\n  " + String.join("\n  ", problems));
        }
        return result;
    }
}
