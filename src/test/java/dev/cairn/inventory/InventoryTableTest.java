package dev.cairn.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory's table when its database finds no room (SQLite's SQLITE_FULL, as on a full disk), and once there is room again. */
class InventoryTableTest {
    @TempDir
    Path dir;

    @Test
    void aBatchThatFoundNoRoomIsUndoneAndTheNextOneCommitsOnceThereIsRoomAgain() throws Exception {
        List<Connection> opened = new ArrayList<>();
        InventoryTable table = new InventoryTable(() -> {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("inventory.sqlite"));
            opened.add(c);
            return c;
        });
        try {
            table.open("rooms", "lobby", Optional.of("lobby"));
            table.commit();

            // The database may not grow by a page on this connection: a disk without room, as SQLite sees it.
            Connection connection = opened.getLast();
            execute(connection, "PRAGMA max_page_count = " + pageCount(connection));
            SQLException full = assertThrows(SQLException.class, () -> {
                for (int i = 0; i < 10_000; i++) {
                    table.open("rooms", "room-" + i, Optional.of("a room with a name long enough to fill pages soon, " + i));
                }
                table.commit();
            });
            assertTrue(full.getMessage().contains("SQLITE_FULL"), full.getMessage());
            table.rollback();
            assertTrue(connection.isClosed(), "the connection that failed is let go");

            table.open("rooms", "kitchen", Optional.of("kitchen")); // on a connection of its own, with room
            table.commit();
            assertEquals(2, opened.size());
            assertEquals(Map.of("rooms", new NamespaceTotals(2, 0)), table.totals(), "the lobby and the kitchen, nothing of the undone batch");
        } finally {
            table.close();
        }
    }

    private static long pageCount(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_count")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }
}
