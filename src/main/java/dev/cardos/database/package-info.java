/**
 * Where CardOS keeps its data: an external PostgreSQL 15+ when {@code CARDOS_DB_URL} is set,
 * otherwise an embedded PostgreSQL whose files live under the data directory. Schemas belong to the
 * modules and arrive by Flyway migrations.
 */
package dev.cardos.database;
