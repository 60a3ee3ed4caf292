package dev.cairn.examples;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link ChatRoomTest} against the packaged service (jar, or native binary with -Dnative): two
 * WebSocket clients join a room, see each other's messages and leave; refused names and messages.
 */
@QuarkusIntegrationTest
class ChatRoomIT extends ChatRoomTest {}
