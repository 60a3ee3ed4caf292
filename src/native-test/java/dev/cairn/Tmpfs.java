package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of its own for a test's data directory, to fill up as a disk fills: a tmpfs,
 * which only root may mount (tests assume {@link #mount} succeeded, and are skipped elsewhere).
 */
public final class Tmpfs {
    private Tmpfs() {}

    /** Mounts a tmpfs of {@code size} (mount's notation: {@code 64m}) on {@code dir}; false when this process may not. */
    public static boolean mount(Path dir, String size) throws IOException, InterruptedException {
        return run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()) == 0;
    }

    /** Unmounts {@code dir} (lazily: a process may still hold files there); false when nothing was mounted there. */
    public static boolean unmount(Path dir) throws IOException, InterruptedException {
        return run("umount", "-l", dir.toString()) == 0;
    }

    /** Writes {@code file} until its file system has no room left. */
    public static void fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
