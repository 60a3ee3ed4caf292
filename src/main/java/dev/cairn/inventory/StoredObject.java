package dev.cairn.inventory;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One object database as the inventory knows it. {@code name}: the name it was addressed by, if it
 * ever was; {@code bytes}: its size (pages in use) at its last recorded write; {@code lastWriteMillis}:
 * the time of that write, empty until the object first commits a write.
 */
public record StoredObject(String namespace, String id, Optional<String> name, long bytes, OptionalLong lastWriteMillis) {}
