package dev.cairn.storage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.StorageException;
import java.io.IOException;

/**
 * Encodes key-value values: {@code byte[]} as is, anything else as JSON through the application's
 * Jackson mapper (so its modules, e.g. java.time, apply). Thread-safe (Jackson's mapper is).
 */
public final class ValueCodec {
    static final int JSON = 0;
    static final int BYTES = 1;

    private final ObjectMapper mapper;
    /**
     * Whole numbers in untyped positions (an Object, a raw List) read as Long, like SQL reads do. A
     * property the class no longer has is skipped, even where request bodies refuse unknown properties:
     * a value stored by an earlier version of a class still reads.
     */
    private final ObjectMapper reader;

    public ValueCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.reader = mapper.copy().enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public record Encoded(int kind, byte[] data) {}

    public Encoded encode(String key, Object value) {
        if (value == null) {
            throw new StorageException("put '" + key + "': the value is null; use delete to remove a key");
        }
        if (value instanceof byte[] bytes) {
            return new Encoded(BYTES, bytes);
        }
        try {
            return new Encoded(JSON, mapper.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new StorageException("put '" + key + "': a " + value.getClass().getName()
                    + " cannot be stored as JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public <T> T decode(String key, int kind, byte[] data, Class<T> type) {
        if (kind == BYTES) {
            if (type == byte[].class || type == Object.class) {
                return (T) data;
            }
            throw new StorageException("'" + key + "' holds bytes; read it as byte[] (asked for " + type.getName() + ")");
        }
        try {
            return reader.readValue(data, type);
        } catch (IOException e) {
            throw new StorageException("'" + key + "' cannot be read as " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
