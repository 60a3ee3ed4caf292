package dev.cairn.forwarding;

/** The headers a cluster adds to what it forwards and answers. */
public final class ForwardingHeaders {
    /** Names the node that forwarded a request; a request carrying it is never forwarded again. */
    public static final String FORWARDED_BY = "Cairn-Forwarded-By";
    /** On answers for an object: the node owning it. */
    public static final String OWNER = "Cairn-Owner";
    /** On answers for an object: its shard. */
    public static final String SHARD = "Cairn-Shard";

    private ForwardingHeaders() {}
}
