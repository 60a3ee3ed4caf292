package dev.cairn.storage.sql;

import java.time.Duration;
import java.util.List;

/** What a read-only query answered: its columns, its rows (values as SQLite gave them), whether rows were left out at the row limit, and how long it ran. */
public record QueryAnswer(List<String> columns, List<List<Object>> rows, boolean truncated, Duration elapsed) {}
