/**
 * {@code cardos bench}: the authorization benchmark. A load generator in its own process that
 * starts a durable PostgreSQL and one or more CardOS nodes on it, sets up a tenant with cards over
 * the HTTP API, drives {@code POST /v1/network/authorizations} in closed and open loop, checks the
 * books and the holds after every scenario, and runs {@code pgbench} on the same PostgreSQL for a
 * ratio. It talks to CardOS only over HTTP and reads the database only to check invariants.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Benchmark")
package dev.cardos.bench;
