package dev.cairn.rest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link ContractTest} against the packaged service (jar, or native binary with -Dnative): the
 * binary serves the committed contract and Swagger UI, and the generated client works against it.
 */
@QuarkusIntegrationTest
class ContractIT extends ContractTest {}
