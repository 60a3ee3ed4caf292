package dev.cairn.api;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Cloudflare's location hints; recorded on stubs, best effort (a single node has one location). */
public enum LocationHint {
    WNAM("wnam"),
    ENAM("enam"),
    SAM("sam"),
    WEUR("weur"),
    EEUR("eeur"),
    APAC("apac"),
    APAC_NE("apac-ne"),
    APAC_SE("apac-se"),
    OC("oc"),
    AFR("afr"),
    ME("me");

    private final String code;

    LocationHint(String code) {
        this.code = code;
    }

    /** Cloudflare's spelling, such as {@code apac-ne}. */
    public String code() {
        return code;
    }

    /** @throws IllegalArgumentException naming the allowed codes */
    public static LocationHint fromCode(String code) {
        for (LocationHint h : values()) {
            if (h.code.equals(code)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown location hint '" + code + "'; allowed: "
                + Arrays.stream(values()).map(LocationHint::code).collect(Collectors.joining(", ")));
    }
}
