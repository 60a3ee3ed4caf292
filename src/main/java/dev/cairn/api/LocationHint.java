package dev.cairn.api;

/** Cloudflare's location hints; recorded on stubs, best effort (a single node has one location). */
public enum LocationHint {
    WNAM, ENAM, SAM, WEUR, EEUR, APAC, OC, AFR, ME
}
