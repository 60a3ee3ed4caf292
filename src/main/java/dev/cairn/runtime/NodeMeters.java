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

            public void outsideEnded(OutsideEnd end) {}

            public void outsideOverdue() {}
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

        /** Work an object ran outside its events ({@code ctx.outside}, {@code ctx.waitUntil}) ended, and how. */
        void outsideEnded(OutsideEnd end);

        /** Such work ran past {@code cairn.objects.outside-work-limit} and was interrupted. */
        void outsideOverdue();
    }

    /** How work an object ran outside its events ended. */
    enum OutsideEnd {
        /** Its outcome ran as an event of the instance that started it, and committed. */
        DELIVERED,
        /** Its outcome found that instance gone (reset, evicted, moved, stopped), or its event failed: nothing kept. */
        DROPPED,
        /** Work for {@code waitUntil} returned. */
        COMPLETED,
        /** Work for {@code waitUntil} threw (logged). */
        FAILED
    }
}
