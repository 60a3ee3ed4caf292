package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependency directions, read from the production sources' imports:
 * api ← namespaces ← migrations, storage ← storage.log; storage.wal, storage.sql ← storage; storage ← alarms, sockets, history;
 * storage.wal ← history, replication; storage.sql ← service; api ← inventory; those ← runtime ← cluster ← replication ← service, rest;
 * replication.commits ← replication.snapshots; replication.commits, replication.snapshots, replication.transport ← replication (replication and its
 * sub-packages alone touch Apache Ratis); service ← forwarding (requests for another node's objects) ←
 * websocket (the WebSocket server), which answers refused upgrades with rest's problems (rest ← websocket); runtime, cluster,
 * service ← service.health (the readiness checks and the members' probe), which nothing imports; examples use api and the
 * interfaces, stubs and models generated from their own contract (examples.api, examples.model),
 * nothing else. security (who may reach what) reads service's configuration and answers with rest's
 * problems. Only service, service.health, forwarding, websocket, rest and security touch Quarkus (and the HTTP stack); nothing
 * imports them but themselves and the examples. Nothing imports the examples.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

    /** Which Cairn packages each package may import (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("dev.cairn.api", Set.of()),
            Map.entry("dev.cairn.namespaces", Set.of("dev.cairn.api")),
            Map.entry("dev.cairn.storage", Set.of("dev.cairn.api", "dev.cairn.storage.wal", "dev.cairn.storage.sql")),
            Map.entry("dev.cairn.storage.wal", Set.of()),
            Map.entry("dev.cairn.storage.sql", Set.of("dev.cairn.api")),
            Map.entry("dev.cairn.storage.log", Set.of("dev.cairn.api", "dev.cairn.storage")),
            Map.entry("dev.cairn.alarms", Set.of("dev.cairn.api", "dev.cairn.storage")),
            Map.entry("dev.cairn.inventory", Set.of("dev.cairn.api")),
            Map.entry("dev.cairn.history", Set.of("dev.cairn.api", "dev.cairn.storage", "dev.cairn.storage.wal")),
            Map.entry("dev.cairn.migrations", Set.of("dev.cairn.namespaces")),
            Map.entry("dev.cairn.sockets", Set.of("dev.cairn.api", "dev.cairn.storage")),
            Map.entry("dev.cairn.runtime", Set.of("dev.cairn.api", "dev.cairn.namespaces", "dev.cairn.storage", "dev.cairn.storage.log",
                    "dev.cairn.alarms", "dev.cairn.sockets", "dev.cairn.inventory", "dev.cairn.migrations", "dev.cairn.history")),
            Map.entry("dev.cairn.cluster", Set.of("dev.cairn.api", "dev.cairn.runtime")),
            Map.entry("dev.cairn.replication", Set.of("dev.cairn.api", "dev.cairn.storage", "dev.cairn.storage.wal", "dev.cairn.runtime",
                    "dev.cairn.cluster", "dev.cairn.replication.commits", "dev.cairn.replication.snapshots", "dev.cairn.replication.transport")),
            Map.entry("dev.cairn.replication.commits", Set.of("dev.cairn.api", "dev.cairn.storage", "dev.cairn.storage.wal")),
            Map.entry("dev.cairn.replication.snapshots", Set.of("dev.cairn.storage.wal", "dev.cairn.replication.commits")),
            Map.entry("dev.cairn.replication.transport", Set.of()),
            Map.entry("dev.cairn.service", Set.of("dev.cairn.api", "dev.cairn.namespaces", "dev.cairn.storage", "dev.cairn.storage.log", "dev.cairn.storage.sql",
                    "dev.cairn.alarms", "dev.cairn.sockets", "dev.cairn.inventory", "dev.cairn.history", "dev.cairn.runtime", "dev.cairn.cluster",
                    "dev.cairn.replication", "dev.cairn.rest",
                    "dev.cairn.rest.model")),
            Map.entry("dev.cairn.service.health", Set.of("dev.cairn.runtime", "dev.cairn.cluster", "dev.cairn.service")),
            Map.entry("dev.cairn.rest", Set.of("dev.cairn.api", "dev.cairn.cluster", "dev.cairn.rest.api", "dev.cairn.rest.model")),
            Map.entry("dev.cairn.forwarding", Set.of("dev.cairn.api", "dev.cairn.runtime", "dev.cairn.cluster", "dev.cairn.service",
                    "dev.cairn.rest", "dev.cairn.rest.model")),
            Map.entry("dev.cairn.websocket", Set.of("dev.cairn.api", "dev.cairn.sockets", "dev.cairn.runtime", "dev.cairn.cluster",
                    "dev.cairn.service", "dev.cairn.forwarding", "dev.cairn.rest", "dev.cairn.rest.model")),
            Map.entry("dev.cairn.security", Set.of("dev.cairn.service", "dev.cairn.rest", "dev.cairn.rest.model")),
            Map.entry("dev.cairn.examples", Set.of("dev.cairn.api", "dev.cairn.examples.api", "dev.cairn.examples.model")));

    /** What touches Quarkus, the HTTP stack, CDI or MicroProfile: only the service's edges may. */
    private static final List<String> FRAMEWORK = List.of("io.quarkus", "io.vertx", "io.netty", "io.smallrye", "jakarta.",
            "org.eclipse.microprofile", "io.agroal", "io.micrometer");
    private static final Set<String> FRAMEWORK_FREE = Set.of("dev.cairn.api", "dev.cairn.namespaces", "dev.cairn.storage",
            "dev.cairn.storage.log", "dev.cairn.storage.wal", "dev.cairn.storage.sql",
            "dev.cairn.alarms", "dev.cairn.inventory", "dev.cairn.history", "dev.cairn.migrations", "dev.cairn.sockets", "dev.cairn.runtime", "dev.cairn.cluster", "dev.cairn.replication",
            "dev.cairn.replication.commits", "dev.cairn.replication.snapshots", "dev.cairn.replication.transport");

    @Test
    void everyPackageImportsOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        for (var source : sources()) {
            Set<String> allowed = ALLOWED.get(source.pkg());
            assertTrue(allowed != null, "package " + source.pkg() + " (" + source.path() + ") has no rule in PackageRulesTest");
            for (String imported : source.imports()) {
                if (imported.startsWith("dev.cairn.") && !imported.equals(source.pkg()) && !allowed.contains(imported)) {
                    violations.add(source.path() + " imports " + imported);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void onlyTheServiceAndRestPackagesTouchTheFramework() throws IOException {
        List<String> violations = new ArrayList<>();
        for (var source : sources()) {
            if (!FRAMEWORK_FREE.contains(source.pkg())) {
                continue;
            }
            for (String imported : source.imports()) {
                if (FRAMEWORK.stream().anyMatch(imported::startsWith)) {
                    violations.add(source.path() + " imports " + imported);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    private record Source(Path path, String pkg, List<String> imports) {}

    private static List<Source> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Source> result = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(p);
                String pkg = SOURCES.relativize(p.getParent()).toString().replace('/', '.');
                List<String> imports = new ArrayList<>();
                Matcher m = IMPORT.matcher(text);
                while (m.find()) {
                    imports.add(packageOf(m.group(1)));
                }
                result.add(new Source(p, pkg, imports));
            }
            return result;
        }
    }

    /** The package of an imported name: its lowercase segments (a nested class's outer classes dropped). */
    private static String packageOf(String name) {
        StringBuilder pkg = new StringBuilder();
        for (String part : name.split("\\.")) {
            if (Character.isUpperCase(part.charAt(0))) {
                break;
            }
            pkg.append(pkg.isEmpty() ? "" : ".").append(part);
        }
        return pkg.toString();
    }
}
