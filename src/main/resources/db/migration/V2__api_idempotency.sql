-- API conventions: idempotency keys with the first answer, kept at least 24 hours.

CREATE TABLE idempotency_keys (
    scope                 text NOT NULL,
    key                   text NOT NULL,
    request_hash          bytea NOT NULL,
    response_status       integer,
    response_content_type text,
    response_body         bytea,
    created_at            timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
