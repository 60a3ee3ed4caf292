/**
 * What this node stores: one row per object database (namespace, id, name, bytes, last write), kept
 * up to date as objects are opened, written, closed and deleted, so that listing the objects of a
 * namespace and counting its bytes never opens their databases. The entry point is {@link dev.cairn.inventory.Inventory}.
 */
package dev.cairn.inventory;
