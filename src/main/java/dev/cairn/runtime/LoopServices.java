package dev.cairn.runtime;

import dev.cairn.alarms.AlarmHooks;
import dev.cairn.api.Namespaces;
import dev.cairn.history.History;
import dev.cairn.inventory.Inventory;
import dev.cairn.sockets.SocketHub;
import dev.cairn.storage.CommitSink;
import dev.cairn.storage.DiskCalls;
import dev.cairn.storage.ValueCodec;
import java.time.InstantSource;

/**
 * What every object loop of the node works with, built once by the {@link Node} and handed to each
 * loop's constructor. Immutable.
 */
record LoopServices(
        Settings settings,
        InstantSource clock,
        Catalog catalog,
        Namespaces namespaces,
        ValueCodec codec,
        DiskCalls disk,
        CommitSink durability,
        History history,
        AlarmHooks alarms,
        SocketHub sockets,
        Placement placement,
        Inventory inventory) {}
