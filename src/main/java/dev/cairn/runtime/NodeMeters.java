package dev.cairn.runtime;

import dev.cairn.alarms.AlarmMeters;
import dev.cairn.sockets.SocketMeters;

/** Where the node's meters go: Micrometer in the service, nowhere in plain unit tests. Thread-safe. */
public interface NodeMeters {
    /** Counts nothing. */
    NodeMeters NONE = new NodeMeters() {
        private static final NamespaceMeters NAMESPACE = new NamespaceMeters() {
            public void completed(Throwable failure) {}

            public void mailboxFull() {}

            public void queueDeadlinePassed() {}

            public void committed(long nanos, int events) {}
        };

        public NamespaceMeters namespace(String name) {
            return NAMESPACE;
        }

        public AlarmMeters alarms() {
            return new AlarmMeters() {
                public void started(long lateMillis) {}

                public void succeeded() {}

                public void retried() {}

                public void dropped() {}
            };
        }

        public SocketMeters sockets() {
            return new SocketMeters() {
                public void opened(String namespace) {}

                public void closed(String namespace) {}
            };
        }
    };

    NamespaceMeters namespace(String name);

    AlarmMeters alarms();

    SocketMeters sockets();

    /** Where one namespace's events are counted (Micrometer in the service). Thread-safe. */
    interface NamespaceMeters {
        /** An event's reply: {@code failure} null when it succeeded. */
        void completed(Throwable failure);

        void mailboxFull();

        void queueDeadlinePassed();

        /** A batch of {@code events} committed in {@code nanos} (durable included). */
        void committed(long nanos, int events);
    }
}
