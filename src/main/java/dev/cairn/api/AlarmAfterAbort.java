package dev.cairn.api;

/** What becomes of the alarm whose handler aborted ({@link ObjectContext#abort(String, AlarmAfterAbort)}). */
public enum AlarmAfterAbort {
    /** Retried with backoff, like an alarm whose handler threw. */
    RETRY,
    /** Deleted: not retried (Cloudflare's {@code retryAlarm: false}). */
    DROP
}
