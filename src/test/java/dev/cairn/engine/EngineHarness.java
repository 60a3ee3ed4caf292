package dev.cairn.engine;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds an engine with {@code new}, outside Quarkus, over a test's own data directory. */
final class EngineHarness {
    private EngineHarness() {}

    static Settings settings(Path dir) {
        return new Settings(dir, Duration.ofSeconds(10), 10_000, 64, Duration.ofSeconds(10), 128,
                Duration.ofHours(1), Duration.ofSeconds(5));
    }

    static Engine engine(Settings settings) {
        var declarations = List.of(new NamespaceDeclarations.Declaration("scratch", ObjectKind.of(Scratch.class),
                "test-key", OptionalInt.empty()));
        return new Engine(settings, declarations, InstantSource.system(), new SecureRandom());
    }

    static NamespaceDeclarations.Raw raw(String className) {
        return new NamespaceDeclarations.Raw(className, Optional.empty(), OptionalInt.empty());
    }
}
