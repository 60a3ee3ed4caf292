package dev.cairn.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How an object loop runs a deletion ({@link Event.Delete}): alone in its batch, its files removed after its commit. Stateless. */
final class Deletion {
    private Deletion() {}

    /**
     * The batch split so that each deletion is a batch of its own: what came before it commits first,
     * and its files are removed before what comes after it runs (against a new, empty object).
     */
    static List<List<Envelope>> apart(List<Envelope> batch) {
        if (batch.stream().noneMatch(e -> e.event instanceof Event.Delete)) {
            return List.of(batch);
        }
        List<List<Envelope>> parts = new ArrayList<>();
        List<Envelope> current = new ArrayList<>();
        for (Envelope e : batch) {
            if (e.event instanceof Event.Delete) {
                if (!current.isEmpty()) {
                    parts.add(current);
                    current = new ArrayList<>();
                }
                parts.add(List.of(e));
            } else {
                current.add(e);
            }
        }
        if (!current.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    /** Removes a closed database's file and what SQLite may have left beside it. */
    static void removeDatabaseFiles(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }
}
