package dev.cairn.storage;

import dev.cairn.api.ListOptions;
import dev.cairn.api.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key-value API over the table {@code _cairn_kv} in the object's own database, so key-value
 * and SQL writes share the event's transaction. Keys are stored as UTF-8 BLOBs: SQLite compares
 * BLOBs byte by byte, which gives the UTF-8 order Cloudflare documents. The table is created by the
 * first write; reads before that (or after deleteAll dropped it) find nothing. Owned by the
 * object's thread, like its {@link ObjectDatabase}.
 */
public final class KeyValueTable {
    static final String TABLE = "_cairn_kv";
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (key BLOB PRIMARY KEY, kind INTEGER NOT NULL, value BLOB NOT NULL) WITHOUT ROWID";
    private static final String GET = "SELECT kind, value FROM " + TABLE + " WHERE key = ?";
    private static final String PUT = "INSERT INTO " + TABLE + " (key, kind, value) VALUES (?, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, value = excluded.value";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE key = ?";

    private final ObjectDatabase db;
    private final ValueCodec codec;
    private final StorageLimits limits;

    KeyValueTable(ObjectDatabase db, ValueCodec codec, StorageLimits limits) {
        this.db = db;
        this.codec = codec;
        this.limits = limits;
    }

    public <T> T get(String key, Class<T> type) {
        byte[] k = encodeKey(key);
        return orWhenNoTable(() -> {
            PreparedStatement p = db.engineStatement(GET);
            p.setBytes(1, k);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? codec.decode(key, rs.getInt(1), rs.getBytes(2), type) : null;
            }
        }, null);
    }

    public <T> Map<String, T> get(Collection<String> keys, Class<T> type) {
        Map<String, T> found = new TreeMap<>(KeyValueTable::compareUtf8);
        for (String key : keys) {
            T value = get(key, type);
            if (value != null) {
                found.put(key, value);
            }
        }
        return new LinkedHashMap<>(found);
    }

    public void put(String key, Object value) {
        byte[] k = encodeKey(key);
        ValueCodec.Encoded v = codec.encode(key, value);
        long entry = (long) k.length + v.data().length;
        if (entry > limits.kvMaxEntryBytes()) {
            throw StorageException.limit("cairn.storage.kv-max-entry-bytes", "entry '" + abbreviate(key) + "' is " + entry
                    + " bytes (key plus encoded value); the limit is " + limits.kvMaxEntryBytes()
                    + " bytes (cairn.storage.kv-max-entry-bytes)", null);
        }
        write(() -> db.withLengthLimit((int) entry, () -> {
            PreparedStatement p = db.engineStatement(PUT);
            p.setBytes(1, k);
            p.setInt(2, v.kind());
            p.setBytes(3, v.data());
            return p.executeUpdate();
        }));
    }

    public void put(Map<String, ?> entries) {
        entries.forEach(this::put);
    }

    public boolean delete(String key) {
        byte[] k = encodeKey(key);
        return orWhenNoTable(() -> {
            db.beginWork();
            PreparedStatement p = db.engineStatement(DELETE);
            p.setBytes(1, k);
            return p.executeUpdate() > 0;
        }, false);
    }

    public int delete(Collection<String> keys) {
        int deleted = 0;
        for (String key : keys) {
            if (delete(key)) {
                deleted++;
            }
        }
        return deleted;
    }

    public <T> Map<String, T> list(ListOptions options, Class<T> type) {
        List<String> where = new ArrayList<>();
        List<byte[]> params = new ArrayList<>();
        if (options.start() != null) {
            where.add("key >= ?");
            params.add(encodeKey(options.start()));
        }
        if (options.startAfter() != null) {
            where.add("key > ?");
            params.add(encodeKey(options.startAfter()));
        }
        if (options.end() != null) {
            where.add("key < ?");
            params.add(encodeKey(options.end()));
        }
        if (options.prefix() != null && !options.prefix().isEmpty()) {
            byte[] prefix = encodeKey(options.prefix());
            where.add("key >= ?");
            params.add(prefix);
            byte[] after = successor(prefix);
            if (after != null) {
                where.add("key < ?");
                params.add(after);
            }
        }
        String sql = "SELECT key, kind, value FROM " + TABLE + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY key" + (options.reverse() ? " DESC" : "") + (options.limit() > 0 ? " LIMIT " + options.limit() : "");
        return orWhenNoTable(() -> {
            PreparedStatement p = db.engineStatement(sql);
            for (int i = 0; i < params.size(); i++) {
                p.setBytes(i + 1, params.get(i));
            }
            Map<String, T> out = new LinkedHashMap<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String key = new String(rs.getBytes(1), StandardCharsets.UTF_8);
                    out.put(key, codec.decode(key, rs.getInt(2), rs.getBytes(3), type));
                }
            }
            return out;
        }, new LinkedHashMap<>());
    }

    /** Runs a read or a delete; a missing table means there are no entries, so {@code whenNoTable} is the answer. */
    private <R> R orWhenNoTable(ObjectDatabase.SqlWork<R> work, R whenNoTable) {
        return db.orWhenNoTable(TABLE, () -> db.withLengthLimit(limits.kvMaxEntryBytes(), work), whenNoTable);
    }

    /** Runs a write inside the event's transaction, creating the table when it is missing. */
    private void write(ObjectDatabase.SqlWork<?> work) {
        db.writeCreatingTable(TABLE, List.of(CREATE), work);
    }

    private byte[] encodeKey(String key) {
        if (key == null) {
            throw new StorageException("a key may not be null");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new StorageException("key '" + abbreviate(key) + "' has an unpaired surrogate at index " + i
                        + "; keys must be valid Unicode text");
            }
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limits.kvMaxKeyBytes()) {
            throw StorageException.limit("cairn.storage.kv-max-key-bytes", "key '" + abbreviate(key) + "' is " + bytes.length
                    + " UTF-8 bytes; the limit is " + limits.kvMaxKeyBytes() + " bytes (cairn.storage.kv-max-key-bytes)", null);
        }
        return bytes;
    }

    /** The smallest byte string greater than every string starting with {@code prefix}; null when none is. */
    private static byte[] successor(byte[] prefix) {
        int end = prefix.length;
        while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
            end--;
        }
        if (end == 0) {
            return null;
        }
        byte[] next = Arrays.copyOf(prefix, end);
        next[end - 1]++;
        return next;
    }

    /** UTF-8 byte order equals code point order (String.compareTo compares UTF-16 units, which differs). */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String abbreviate(String key) {
        return key.length() <= 40 ? key : key.substring(0, 40) + "…";
    }
}
