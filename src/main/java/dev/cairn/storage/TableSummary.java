package dev.cairn.storage;

import java.util.List;

/** One of the object's own tables: its name, its columns (name and declared type) and how many rows it has. */
public record TableSummary(String name, List<Column> columns, long rows) {
    public record Column(String name, String type) {}
}
