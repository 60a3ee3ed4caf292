package dev.cairn.engine;

import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import java.util.concurrent.Callable;

/**
 * The context handed to one instance. Storage calls go to the loop's database on the object's own
 * thread (and are refused from any other thread).
 */
final class LiveContext implements ObjectContext, Storage, SqlStorage {
    private final ObjectLoop loop;
    private final Engine engine;

    LiveContext(ObjectLoop loop, Engine engine) {
        this.loop = loop;
        this.engine = engine;
    }

    @Override
    public ObjectId id() {
        return loop.id;
    }

    @Override
    public Storage storage() {
        return this;
    }

    @Override
    public java.time.InstantSource clock() {
        return engine.clock();
    }

    @Override
    public Namespaces namespaces() {
        return engine;
    }

    @Override
    public <T> T blockConcurrencyWhile(Callable<T> init) {
        try {
            return init.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectException(ObjectLoop.messageOf(e), e);
        }
    }

    @Override
    public void abort(String reason) {
        loop.requestReset();
    }

    @Override
    public SqlStorage sql() {
        return this;
    }

    @Override
    public SqlCursor exec(String query, Object... params) {
        return loop.database().exec(query, params);
    }

    @Override
    public long databaseSize() {
        return loop.database().size();
    }
}
