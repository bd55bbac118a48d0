-- Tenancy: tenants, API keys (hashes only) and the append-only audit log.

CREATE TABLE tenants (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    status     text NOT NULL CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id                    text PRIMARY KEY,
    tenant_id             text REFERENCES tenants (id),
    mode                  text CHECK (mode IN ('test', 'live')),
    name                  text,
    scopes                text[] NOT NULL,
    secret_hash           bytea NOT NULL UNIQUE,
    secret_last4          text NOT NULL,
    rate_limit_per_second integer CHECK (rate_limit_per_second > 0),
    created_at            timestamptz NOT NULL,
    revoked_at            timestamptz,
    -- An operator key has neither tenant nor mode; a tenant key has both.
    CHECK ((tenant_id IS NULL) = (mode IS NULL))
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id DESC);

CREATE TABLE audit_log (
    id           text PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    actor_key_id text,
    tenant_id    text,
    mode         text,
    action       text NOT NULL,
    object_id    text,
    outcome      integer NOT NULL,
    source_ip    text,
    request_id   text
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_log_object ON audit_log (object_id) WHERE object_id IS NOT NULL;

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
