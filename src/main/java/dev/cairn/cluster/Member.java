package dev.cairn.cluster;

import java.net.URI;

/** One node of the cluster: its id and the base URL other nodes reach it at ({@code http://host:port}). */
public record Member(String id, URI url) {
    /** As written in {@code cairn.cluster.members}: {@code id=url}. */
    @Override
    public String toString() {
        return id + "=" + url;
    }
}
