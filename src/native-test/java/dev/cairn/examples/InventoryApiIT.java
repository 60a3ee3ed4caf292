package dev.cairn.examples;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link InventoryApiTest} against the packaged service (jar, or native binary with -Dnative). */
@QuarkusIntegrationTest
class InventoryApiIT extends InventoryApiTest {}
