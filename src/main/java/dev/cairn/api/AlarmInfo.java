package dev.cairn.api;

import java.time.Instant;

/**
 * What an alarm run knows about itself.
 *
 * @param scheduledTime the time the alarm was set for (unchanged across retries)
 * @param retryCount how many earlier attempts of this alarm there were: failed ones, and ones cut
 *     short by a crash or a restart
 */
public record AlarmInfo(Instant scheduledTime, int retryCount) {

    /** Whether an earlier attempt of this alarm failed or was interrupted. */
    public boolean isRetry() {
        return retryCount > 0;
    }
}
