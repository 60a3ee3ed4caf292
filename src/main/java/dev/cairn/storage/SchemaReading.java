package dev.cairn.storage;

import dev.cairn.storage.sql.SqlScript;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What an administrator sees of an object's database without a query: its own tables and its entry count. Stateless. */
final class SchemaReading {
    private SchemaReading() {}

    /** The object's own tables (not SQLite's nor Cairn's), by name, with their columns and row counts. */
    static List<TableSummary> tables(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                    + " AND name NOT LIKE '" + SqlScript.RESERVED_PREFIX.replace("_", "\\_") + "%' ESCAPE '\\' ORDER BY name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            List<TableSummary> tables = new ArrayList<>(names.size());
            for (String name : names) {
                String quoted = "\"" + name.replace("\"", "\"\"") + "\"";
                List<TableSummary.Column> columns = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("PRAGMA table_info(" + quoted + ")")) {
                    while (rs.next()) {
                        columns.add(new TableSummary.Column(rs.getString("name"), rs.getString("type")));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + quoted)) {
                    tables.add(new TableSummary(name, columns, rs.next() ? rs.getLong(1) : 0));
                }
            }
            return tables;
        }
    }

    /** How many key-value entries the object holds (none before its first: the table is created by its first write). */
    static long keyValueEntries(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" + KeyValueTable.TABLE + "'")) {
                if (!rs.next() || rs.getLong(1) == 0) {
                    return 0;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + KeyValueTable.TABLE)) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
