-- Events: the outbox, written in the same transaction as the change each event describes.

CREATE TABLE events (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    mode       text NOT NULL CHECK (mode IN ('test', 'live')),
    type       text NOT NULL,
    object_id  text,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX events_page ON events (tenant_id, mode, id DESC);
CREATE INDEX events_object ON events (object_id);
