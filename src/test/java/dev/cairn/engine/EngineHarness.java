package dev.cairn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/** Builds an engine with {@code new}, outside Quarkus, over a test's own data directory. */
final class EngineHarness {
    /** Like the service's mapper: java.time and the JDK 8 types through the modules on the class path. */
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private EngineHarness() {}

    static Settings settings(Path dir) {
        return new Settings(dir, Duration.ofSeconds(10), 10_000, 64, Duration.ofSeconds(10), 128,
                Duration.ofHours(1), Duration.ofSeconds(5), Durability.FULL, StorageLimits.DEFAULTS,
                AlarmSettings.DEFAULTS.withTimer(false));
    }

    static Engine engine(Settings settings) {
        return engine(settings, InstantSource.system(), new SecureRandom());
    }

    /** Namespaces {@code scratch} ({@link Scratch}) and {@code alarmed} ({@link Alarmed}). */
    static Engine engine(Settings settings, InstantSource clock, RandomGenerator random) {
        var declarations = List.of(
                new NamespaceDeclarations.Declaration("scratch", ObjectKind.of(Scratch.class), "test-key", OptionalInt.empty()),
                new NamespaceDeclarations.Declaration("alarmed", ObjectKind.of(Alarmed.class), "test-key", OptionalInt.empty()));
        return new Engine(settings, declarations, clock, random, JSON, alarmIndex(settings), new SimpleMeterRegistry(),
                WebSocketSettings.from(defaultConfig().websockets()));
    }

    /**
     * The service's configuration with nothing set, so every value is its {@code @WithDefault}: what a
     * node runs with unless told otherwise (application.properties and the test profile are not read).
     */
    static CairnConfig defaultConfig() {
        return new SmallRyeConfigBuilder().withMapping(CairnConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "10s" as Quarkus reads it
                .build().getConfigMapping(CairnConfig.class);
    }

    /** The alarm index in the test's data directory, through sqlite-jdbc's own data source (Agroal in the service). */
    static DataSource alarmIndex(Settings settings) {
        var ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + settings.dataDir().resolve("alarm-index.sqlite"));
        return ds;
    }

    static NamespaceDeclarations.Raw raw(String className) {
        return new NamespaceDeclarations.Raw(className, Optional.empty(), OptionalInt.empty());
    }
}
