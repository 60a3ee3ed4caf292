package dev.cairn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Wires the engine into Quarkus: builds it from the configuration at start-up (so a bad
 * declaration stops the service with a message naming its key) and shuts it down gracefully.
 */
@Singleton
final class EngineProducer {
    private static final Logger LOG = Logger.getLogger(EngineProducer.class);

    @Produces
    @Singleton
    Engine engine(CairnConfig config, InstantSource clock, RandomGenerator random, ObjectMapper json) {
        var declared = config.namespaces().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> new NamespaceDeclarations.Raw(e.getValue().className(), e.getValue().key(), e.getValue().mailboxCapacity())));
        var declarations = NamespaceDeclarations.validate(declared, Thread.currentThread().getContextClassLoader());
        Settings settings = withinFileLimit(Settings.from(config));
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new IllegalStateException("cairn.data-dir: cannot create " + settings.dataDir().toAbsolutePath() + ": " + e, e);
        }
        if (!Files.isWritable(settings.dataDir())) {
            throw new IllegalStateException("cairn.data-dir: " + settings.dataDir().toAbsolutePath() + " is not writable");
        }
        LOG.infof("Cairn: %d namespaces (%s), data in %s", declarations.size(),
                declarations.stream().map(NamespaceDeclarations.Declaration::name).collect(Collectors.joining(", ")),
                settings.dataDir().toAbsolutePath());
        return new Engine(settings, declarations, clock, random, json, WebSocketSettings.from(config.websockets()));
    }

    /** Open files per active object: the database, its WAL, its shared-memory index, and Cairn's WAL handle for fsync. */
    static final int FILES_PER_OBJECT = 4;
    /** Descriptors kept for sockets, jars and logs. */
    static final int FILES_RESERVED = 1024;

    /**
     * Caps {@code max-active} so active objects cannot exhaust the process's open-file limit (each
     * holds {@value #FILES_PER_OBJECT}); past it SQLite could not open a database and calls would fail.
     */
    static Settings withinFileLimit(Settings settings) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) {
            return settings;
        }
        long fits = (os.getMaxFileDescriptorCount() - FILES_RESERVED) / FILES_PER_OBJECT;
        if (fits >= settings.maxActive()) {
            return settings;
        }
        int capped = (int) Math.max(16, fits);
        LOG.warnf("cairn.objects.max-active=%d needs %d open files but the limit is %d (ulimit -n):"
                + " keeping at most %d objects active; raise the limit to allow more", settings.maxActive(),
                (long) settings.maxActive() * FILES_PER_OBJECT + FILES_RESERVED, os.getMaxFileDescriptorCount(), capped);
        return settings.withMaxActive(capped);
    }

    @Produces
    @DefaultBean
    @Singleton
    InstantSource clock() {
        return InstantSource.system();
    }

    @Produces
    @DefaultBean
    @Singleton
    RandomGenerator random() {
        return new SecureRandom();
    }

    /** Builds (and so validates) the engine at start-up rather than on the first request. */
    void start(@Observes StartupEvent event, Engine engine) {
        LOG.debugf("engine ready: %d objects active", engine.catalog().activeCount());
    }

    void stop(@Observes ShutdownEvent event, Engine engine) {
        engine.shutdown();
    }
}
