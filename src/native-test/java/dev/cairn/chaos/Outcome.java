package dev.cairn.chaos;

/**
 * What became of one increment as its client saw it. Only {@link Acked} and {@link Failed} are
 * certain; an {@link Unknown} increment may or may not have been applied (and may still be, later).
 */
sealed interface Outcome {
    /** Answered 200: applied, with this new value, by the node that owned the counter then. */
    record Acked(long value, String node) implements Outcome {}

    /** Definitely not applied: refused before it ran (a 4xx, a 503 that says the call was not run or not sent, no connection). */
    record Failed(String reason) implements Outcome {}

    /** Maybe applied: a timeout, a connection lost after sending, a 5xx that does not say the call was not run. */
    record Unknown(String reason) implements Outcome {}
}
