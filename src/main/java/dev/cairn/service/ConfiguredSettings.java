package dev.cairn.service;

import dev.cairn.alarms.AlarmSettings;
import dev.cairn.namespaces.NamespaceDeclarations;
import dev.cairn.runtime.Settings;
import dev.cairn.sockets.WebSocketSettings;
import dev.cairn.storage.StorageLimits;
import dev.cairn.storage.log.CommitLogSettings;
import dev.cairn.history.HistorySettings;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The node's settings as read through the configuration mapping ({@link CairnConfig}), the one place
 * their defaults are written. The service reads Quarkus's configuration; tests and the test kit build
 * the same mapping from a few properties of their own.
 */
public final class ConfiguredSettings {
    private ConfiguredSettings() {}

    /** The settings {@code config} describes, with {@code cairn.objects.max-active} as given. */
    public static Settings from(CairnConfig config) {
        return from(config, config.objects().maxActive());
    }

    /** The settings {@code config} describes, with at most {@code maxActive} objects active. */
    static Settings from(CairnConfig config, int maxActive) {
        CairnConfig.ObjectsConfig o = config.objects();
        CairnConfig.StorageConfig s = config.storage();
        CairnConfig.AlarmsConfig a = config.alarms();
        CairnConfig.WebSocketsConfig w = config.websockets();
        return new Settings(config.dataDir(), o.idleTimeout(), maxActive, o.mailboxCapacity(), o.queueDeadline(), o.eventTimeout(),
                o.outsideWorkLimit(), o.maxBatch(),
                o.housekeepingInterval(), config.shutdownDrainTimeout(), config.adminQueryTimeLimit(), config.inventoryFlushInterval(),
                s.durability(),
                new StorageLimits(s.maxBytesPerObject(), s.kvMaxKeyBytes(), s.kvMaxEntryBytes(), s.sqlMaxColumns(),
                        s.sqlMaxParameters(), s.sqlMaxStatementBytes(), s.sqlMaxValueBytes(), s.sqlMaxLikePatternBytes(),
                        s.sqlMaxFunctionArgs()),
                new AlarmSettings(a.retryInitialDelay(), a.maxRetries(), a.retryJitter(), a.scanInterval(), a.timer()),
                new CommitLogSettings(s.commitLog().segmentSize(), s.commitLog().flushInterval()),
                new HistorySettings(s.history().enabled(), s.history().window(), s.history().maxBytesPerObject()),
                new WebSocketSettings(w.maxSocketsPerObject(), w.maxMessageSize(), w.maxAttachmentSize(), w.maxOutboundBuffer(),
                        w.eventTimeout()));
    }

    /** The declared namespaces, checked: a bad declaration stops the start with a message naming its key. */
    public static NamespaceDeclarations.Declared declarations(CairnConfig config) {
        var declared = config.namespaces().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> new NamespaceDeclarations.Raw(e.getValue().className(), e.getValue().key(), e.getValue().mailboxCapacity(),
                        e.getValue().eventTimeout(), e.getValue().renamedFrom(), e.getValue().deleted())));
        return NamespaceDeclarations.validate(declared, Thread.currentThread().getContextClassLoader());
    }

    /**
     * The mapping with only {@code properties} set (keys as in application.properties, e.g.
     * {@code cairn.storage.durability}); everything else is its {@code @WithDefault}. The service's
     * application.properties is not read.
     */
    public static CairnConfig mapping(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(CairnConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "10s" as Quarkus reads it
                .withSources(new MapBackedConfigSource("cairn-test", properties, 400) {})
                .build().getConfigMapping(CairnConfig.class);
    }
}
