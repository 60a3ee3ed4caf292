package dev.cairn.api;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a unique id's data must stay (recorded in the id; a single node serves all of them). */
public enum Jurisdiction {
    EU("eu"),
    US("us"),
    FEDRAMP("fedramp"),
    FEDRAMP_HIGH("fedramp-high");

    private final String code;

    Jurisdiction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** @throws IllegalArgumentException naming the allowed codes */
    public static Jurisdiction fromCode(String code) {
        for (Jurisdiction j : values()) {
            if (j.code.equals(code)) {
                return j;
            }
        }
        throw new IllegalArgumentException("unknown jurisdiction '" + code + "'; allowed: "
                + Arrays.stream(values()).map(Jurisdiction::code).collect(Collectors.joining(", ")));
    }
}
