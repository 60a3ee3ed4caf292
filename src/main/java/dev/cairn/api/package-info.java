/**
 * What object authors use: the object's context, its identity, its storage, stubs to other
 * objects, the fetch and WebSocket handlers and the errors callers can see. Everything else in Cairn is engine.
 *
 * <p>An object kind is a plain class with a public constructor taking an {@link ObjectContext}. Its
 * public methods are its RPC methods; callers reach them through a {@link Stub}. Cairn delivers one
 * event at a time to an object, on the object's own virtual thread, so object code never needs locks.
 */
package dev.cairn.api;
