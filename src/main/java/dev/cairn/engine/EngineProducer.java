package dev.cairn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
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
        Settings settings = Settings.from(config);
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
        return new Engine(settings, declarations, clock, random, json);
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
