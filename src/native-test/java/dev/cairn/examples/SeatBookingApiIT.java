package dev.cairn.examples;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link SeatBookingApiTest} against the packaged service (jar, or native binary with -Dnative). */
@QuarkusIntegrationTest
class SeatBookingApiIT extends SeatBookingApiTest {}
