package dev.cairn.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result row. Values are {@code null}, {@link Long} (INTEGER), {@link Double} (REAL),
 * {@link String} (TEXT) or {@code byte[]} (BLOB).
 */
public final class SqlRow {
    private final List<String> columns;
    private final Object[] values;

    /** For the engine: {@code values} is owned by the row from now on. */
    public SqlRow(List<String> columns, Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    public List<String> columnNames() {
        return columns;
    }

    public Object get(int index) {
        return values[index];
    }

    /** @throws StorageException when the row has no such column */
    public Object get(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new StorageException("no column '" + column + "' in this row; columns are " + columns);
        }
        return values[i];
    }

    /** The value as a long ({@code null} stays null). */
    public Long getLong(String column) {
        Object v = get(column);
        return v == null ? null : ((Number) v).longValue();
    }

    public Double getDouble(String column) {
        Object v = get(column);
        return v == null ? null : ((Number) v).doubleValue();
    }

    public String getString(String column) {
        Object v = get(column);
        return v == null ? null : v.toString();
    }

    /** The values in column order. */
    public List<Object> values() {
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** Column name to value, in column order. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = LinkedHashMap.newLinkedHashMap(values.length);
        for (int i = 0; i < values.length; i++) {
            m.put(columns.get(i), values[i]);
        }
        return m;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
