package dev.cairn.api;

/**
 * An object's private storage: one SQLite database. All writes of one event commit together when
 * the event returns and roll back if it throws; the caller sees the result only after the commit is
 * on disk.
 */
public interface Storage {

    /** The SQL API over the object's database. */
    SqlStorage sql();
}
