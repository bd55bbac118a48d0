-- Webhook endpoints and deliveries. A delivery row is created for every matching endpoint in the
-- same transaction as its event; dispatchers claim due rows with SKIP LOCKED and a lease.

CREATE TABLE webhook_endpoints (
    id                        text PRIMARY KEY,
    tenant_id                 text NOT NULL REFERENCES tenants (id),
    mode                      text NOT NULL CHECK (mode IN ('test', 'live')),
    url                       text NOT NULL,
    event_types               text[] NOT NULL,
    description               text,
    status                    text NOT NULL CHECK (status IN ('enabled', 'disabled', 'deleted')),
    disabled_reason           text,
    secret_key_id             text NOT NULL REFERENCES key_material (id),
    previous_secret_key_id    text REFERENCES key_material (id),
    previous_secret_until     timestamptz,
    failing_since             timestamptz,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_realm ON webhook_endpoints (tenant_id, mode) WHERE status = 'enabled';

CREATE TABLE webhook_deliveries (
    id              text PRIMARY KEY,
    event_id        text NOT NULL REFERENCES events (id),
    endpoint_id     text NOT NULL REFERENCES webhook_endpoints (id),
    status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    id           text PRIMARY KEY,
    delivery_id  text NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    latency_ms   integer NOT NULL,
    error        text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
