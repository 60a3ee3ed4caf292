package dev.cairn.examples;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link KvStoreApiTest} against the packaged service (jar, or native binary with -Dnative). */
@QuarkusIntegrationTest
class KvStoreApiIT extends KvStoreApiTest {}
