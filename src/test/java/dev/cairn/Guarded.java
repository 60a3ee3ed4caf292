package dev.cairn;

import dev.cairn.api.FetchHandler;
import dev.cairn.api.FetchRequest;
import dev.cairn.api.FetchResponse;
import dev.cairn.api.ObjectContext;

/** The test namespace {@code guarded}, which requires a role (cairn.namespaces.guarded.roles-allowed): its fetch counts its calls. */
public final class Guarded implements FetchHandler {
    private final ObjectContext ctx;

    public Guarded(ObjectContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public FetchResponse fetch(FetchRequest request) {
        Long before = ctx.storage().get("calls", Long.class);
        long calls = (before == null ? 0 : before) + 1;
        ctx.storage().put("calls", calls);
        return FetchResponse.text(200, Long.toString(calls));
    }
}
