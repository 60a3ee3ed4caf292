/**
 * Namespace lifecycle, Cloudflare's class migrations: at start-up, before any object opens, the
 * declared renames and deletions are applied to the data directory and to the indexes that name
 * namespaces (the alarm index, the inventory), each once and safe to interrupt; directories no
 * declaration explains are reported. The entry point is {@link dev.cairn.migrations.NamespaceMigrations}.
 */
package dev.cairn.migrations;
