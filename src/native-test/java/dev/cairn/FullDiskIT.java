package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose data directory's file system fills up answers every call with a retryable 503 that
 * says the disk is full (the object's code is not at fault, and nothing it had stored is lost), and
 * once there is room again serves every object, those active before and new ones, without a restart.
 * The data directory is a tmpfs of its own, which only root may mount: elsewhere the test is skipped,
 * saying so.
 */
class FullDiskIT {
    @TempDir
    Path dir;

    @Test
    void aFullDiskAnswersRetryable503sAndTheNodeServesAgainOnceItHasRoom() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        assumeTrue(Tmpfs.mount(data, "64m"),
                "mounting a 64 MiB tmpfs as the data directory needs root (and mount)");
        try (CairnProcess cairn = CairnProcess.start(data).awaitListening()) {
            assertEquals("{\"value\":1}", increment(cairn, "active").body());

            Path filler = data.resolve("filler");
            Tmpfs.fill(filler);
            HttpResponse<String> active = increment(cairn, "active");
            HttpResponse<String> fresh = increment(cairn, "fresh");
            for (HttpResponse<String> full : java.util.List.of(active, fresh)) {
                assertEquals(503, full.statusCode(), full.body());
                assertTrue(full.body().contains("\"retryable\":true"), full.body());
                assertTrue(full.body().contains("database or disk is full"), full.body());
            }

            Files.delete(filler);
            assertEquals("{\"value\":2}", increment(cairn, "active").body(), "the write refused for want of room was not kept");
            assertEquals("{\"value\":1}", increment(cairn, "fresh").body(), "a new object opens and writes again");
            assertEquals("{\"value\":1}", increment(cairn, "newer").body());
        } finally {
            Tmpfs.unmount(data);
        }
    }

    private static HttpResponse<String> increment(CairnProcess cairn, String counter) throws Exception {
        return cairn.send("POST", "/objects/counter/" + counter + "/increment", "{}");
    }


}
