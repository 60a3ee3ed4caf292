package dev.cairn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds an engine with {@code new}, outside Quarkus, over a test's own data directory. */
final class EngineHarness {
    /** Like the service's mapper: java.time and the JDK 8 types through the modules on the class path. */
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private EngineHarness() {}

    static Settings settings(Path dir) {
        return new Settings(dir, Duration.ofSeconds(10), 10_000, 64, Duration.ofSeconds(10), 128,
                Duration.ofHours(1), Duration.ofSeconds(5), Durability.FULL, StorageLimits.DEFAULTS);
    }

    static Engine engine(Settings settings) {
        var declarations = List.of(new NamespaceDeclarations.Declaration("scratch", ObjectKind.of(Scratch.class),
                "test-key", OptionalInt.empty()));
        return new Engine(settings, declarations, InstantSource.system(), new SecureRandom(), JSON);
    }

    static NamespaceDeclarations.Raw raw(String className) {
        return new NamespaceDeclarations.Raw(className, Optional.empty(), OptionalInt.empty());
    }
}
