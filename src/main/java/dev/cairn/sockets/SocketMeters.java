package dev.cairn.sockets;

/** Where open sockets are counted, per namespace (Micrometer in the service). Thread-safe. */
public interface SocketMeters {
    void opened(String namespace);

    void closed(String namespace);
}
