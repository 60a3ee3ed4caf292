package dev.cairn.api;

/**
 * Implemented by object classes that answer raw HTTP under
 * {@code /objects/{namespace}/{name}/fetch/...}. Runs as one event, like a call.
 */
public interface FetchHandler {
    FetchResponse fetch(FetchRequest request) throws Exception;
}
