package dev.cairn.examples;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ExamplesContractTest} against the packaged service (jar, or native binary with -Dnative). */
@QuarkusIntegrationTest
class ExamplesContractIT extends ExamplesContractTest {}
