package dev.cairn.examples;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link CounterApiTest} against the packaged service (jar, or native binary with -Dnative). */
@QuarkusIntegrationTest
class CounterApiIT extends CounterApiTest {}
