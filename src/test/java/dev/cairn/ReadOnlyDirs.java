package dev.cairn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a directory refuse new files for real. File permissions do not stop root (these tests run
 * as root in CI), so as root the directory is made immutable ({@code chattr +i}), which does.
 */
public final class ReadOnlyDirs {
    private ReadOnlyDirs() {}

    /** True when writes into {@code dir} are now refused; undo with {@link #restore}. */
    public static boolean make(Path dir) throws IOException, InterruptedException {
        if (isRoot()) {
            if (!chattr("+i", dir)) {
                return false;
            }
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try { // the proof: creating a file there fails
            Files.delete(Files.createTempFile(dir, "check", null));
            restore(dir);
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    public static void restore(Path dir) throws IOException, InterruptedException {
        if (isRoot()) {
            chattr("-i", dir);
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean chattr(String flag, Path dir) throws IOException, InterruptedException {
        try {
            return new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException noChattr) {
            return false;
        }
    }
}
