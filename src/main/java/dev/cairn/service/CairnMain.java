package dev.cairn.service;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The service's entry point. Before Quarkus starts (2-3 s on the JVM before the first bean could take
 * it), it takes the lock on the data directory when the command line ({@code -Dcairn.data-dir}) or the
 * environment ({@code CAIRN_DATA_DIR}) names it, as every file of {@code deploy/} does: those two
 * sources outrank every other, so the directory is the one the service will use, and a second process
 * on a directory in use stops within a fraction of a second. Named elsewhere (a properties file, the
 * default), the directory is locked at the same point as before, once the configuration is read. Runs
 * on the main thread, once.
 */
@QuarkusMain
public final class CairnMain {
    private static final String PROPERTY = "cairn.data-dir";
    private static final String VARIABLE = "CAIRN_DATA_DIR";

    private CairnMain() {}

    public static void main(String... args) {
        dataDirNamed(System.getProperties(), System.getenv()).ifPresent(dir -> {
            try {
                DataDirLock.takeEarly(DataDirLock.usableDataDir(dir), ProcessHandle.current().pid());
            } catch (IllegalStateException inUse) {
                System.err.println("ERROR [dev.cairn.service.CairnMain] " + inUse.getMessage());
                System.exit(1);
            }
        });
        Quarkus.run(args);
    }

    /**
     * The data directory as the command line or the environment name it, unless a profile-specific key
     * ({@code %prod.cairn.data-dir}) could override it there.
     */
    static Optional<Path> dataDirNamed(Map<Object, Object> properties, Map<String, String> environment) {
        boolean profiled = properties.keySet().stream().anyMatch(k -> k.toString().startsWith("%") && k.toString().endsWith("." + PROPERTY))
                || environment.keySet().stream().anyMatch(k -> k.startsWith("_") && k.endsWith("_" + VARIABLE));
        if (profiled) {
            return Optional.empty();
        }
        Object property = properties.get(PROPERTY);
        String named = property != null ? property.toString() : environment.get(VARIABLE);
        return named == null || named.isBlank() ? Optional.empty() : Optional.of(Path.of(named.strip()));
    }
}
