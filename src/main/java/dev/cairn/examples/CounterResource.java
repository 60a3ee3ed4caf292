package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.Stub;
import dev.cairn.examples.api.CounterApi;
import dev.cairn.examples.model.CounterValue;
import dev.cairn.examples.model.IncrementRequest;
import java.util.concurrent.CompletionStage;

/** The {@code Counter} endpoints of the contract, by name and by id. */
final class CounterResource implements CounterApi {
    private final Namespace<Counter> counters;

    CounterResource(Namespaces namespaces) {
        this.counters = namespaces.of(Counter.class);
    }

    @Override
    public CompletionStage<CounterValue> incrementByName(String name, IncrementRequest request) {
        return increment(counters.getByName(name), request);
    }

    @Override
    public CompletionStage<CounterValue> incrementById(String id, IncrementRequest request) {
        return increment(byId(id), request);
    }

    @Override
    public CompletionStage<CounterValue> getCounterByName(String name) {
        return counters.getByName(name).send(Counter::value).thenApply(CounterResource::value);
    }

    @Override
    public CompletionStage<CounterValue> getCounterById(String id) {
        return byId(id).send(Counter::value).thenApply(CounterResource::value);
    }

    @Override
    public CompletionStage<CounterValue> kvIncrementByName(String name) {
        return counters.getByName(name).send(Counter::kvIncrement).thenApply(CounterResource::value);
    }

    @Override
    public CompletionStage<CounterValue> getKvCounterByName(String name) {
        return counters.getByName(name).send(Counter::kvValue).thenApply(CounterResource::value);
    }

    @Override
    public CompletionStage<CounterValue> noopByName(String name) {
        return counters.getByName(name).send(Counter::noop).thenApply(CounterResource::value);
    }

    @Override
    public CompletionStage<CounterValue> noopById(String id) {
        return byId(id).send(Counter::noop).thenApply(CounterResource::value);
    }

    private Stub<Counter> byId(String id) {
        return counters.get(counters.idFromString(id));
    }

    private static CompletionStage<CounterValue> increment(Stub<Counter> counter, IncrementRequest request) {
        long by = request == null || request.getBy() == null ? 1 : request.getBy();
        return counter.send(c -> c.increment(by)).thenApply(CounterResource::value);
    }

    private static CounterValue value(long v) {
        return new CounterValue().value(v);
    }
}
