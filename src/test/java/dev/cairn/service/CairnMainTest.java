package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The data directory is locked before Quarkus starts only where no other source could name another
 * one: {@code -Dcairn.data-dir}, else {@code CAIRN_DATA_DIR}, and no profile-specific key for it.
 */
class CairnMainTest {
    @Test
    void theCommandLineWinsOverTheEnvironment() {
        assertEquals(Optional.of(Path.of("/srv/a")), CairnMain.dataDirNamed(Map.of("cairn.data-dir", "/srv/a"), Map.of("CAIRN_DATA_DIR", "/srv/b")));
        assertEquals(Optional.of(Path.of("/srv/b")), CairnMain.dataDirNamed(Map.of(), Map.of("CAIRN_DATA_DIR", "/srv/b")));
    }

    @Test
    void namedNowhereOrPerProfileTheLockWaitsForTheConfiguration() {
        assertEquals(Optional.empty(), CairnMain.dataDirNamed(Map.of(), Map.of()), "a properties file or the default may name it");
        assertEquals(Optional.empty(), CairnMain.dataDirNamed(Map.of("cairn.data-dir", "/srv/a", "%prod.cairn.data-dir", "/srv/p"), Map.of()));
        assertEquals(Optional.empty(), CairnMain.dataDirNamed(Map.of(), Map.of("CAIRN_DATA_DIR", "/srv/b", "_PROD_CAIRN_DATA_DIR", "/srv/p")));
        assertEquals(Optional.empty(), CairnMain.dataDirNamed(Map.of("cairn.data-dir", " "), Map.of()));
    }
}
