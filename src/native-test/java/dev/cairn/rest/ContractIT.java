package dev.cairn.rest;

import dev.cairn.Admin;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link ContractTest} against the packaged service (jar, or native binary with -Dnative): the
 * binary serves the committed contract and Swagger UI, and the generated client works against it
 * (its admin calls as the test profile's admin user, configured here).
 */
@QuarkusIntegrationTest
@TestProfile(Admin.UserProfile.class)
class ContractIT extends ContractTest {}
