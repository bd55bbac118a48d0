-- Disputes: a cardholder's claim against a settled transaction, its evidence and its history.

ALTER TABLE programs ADD COLUMN dispute_window_days integer NOT NULL DEFAULT 120
    CHECK (dispute_window_days BETWEEN 1 AND 540);
ALTER TABLE programs ADD COLUMN provisional_credit boolean NOT NULL DEFAULT false;

CREATE TABLE disputes (
    id                     text PRIMARY KEY,
    tenant_id              text NOT NULL REFERENCES tenants (id),
    mode                   text NOT NULL CHECK (mode IN ('test', 'live')),
    transaction_id         text NOT NULL REFERENCES transactions (id),
    authorization_id       text REFERENCES authorizations (id),
    card_id                text NOT NULL REFERENCES cards (id),
    account_id             text NOT NULL REFERENCES accounts (id),
    reason                 text NOT NULL CHECK (reason IN ('fraud', 'not_received', 'duplicate',
                                                          'incorrect_amount', 'canceled', 'other')),
    amount                 bigint NOT NULL CHECK (amount > 0),
    currency               char(3) NOT NULL,
    explanation            text,
    status                 text NOT NULL CHECK (status IN ('open', 'submitted', 'won', 'lost',
                                                          'withdrawn')),
    provisional_credit     boolean NOT NULL,
    provisional_posting_id text REFERENCES postings (id),
    closing_posting_id     text REFERENCES postings (id),
    filing_deadline        timestamptz NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX disputes_page ON disputes (tenant_id, mode, id DESC);
CREATE INDEX disputes_transaction ON disputes (transaction_id);

CREATE TABLE dispute_evidence (
    id           text PRIMARY KEY,
    dispute_id   text NOT NULL REFERENCES disputes (id),
    kind         text NOT NULL CHECK (kind IN ('text', 'file')),
    text         text,
    file_name    text,
    content_type text,
    size_bytes   integer,
    sha256       text,
    content      bytea,
    created_at   timestamptz NOT NULL
);
CREATE INDEX dispute_evidence_dispute ON dispute_evidence (dispute_id, id);

CREATE TABLE dispute_transitions (
    id          text PRIMARY KEY,
    dispute_id  text NOT NULL REFERENCES disputes (id),
    from_status text,
    to_status   text NOT NULL,
    actor       text,
    created_at  timestamptz NOT NULL
);
CREATE INDEX dispute_transitions_dispute ON dispute_transitions (dispute_id, id);
CREATE TRIGGER dispute_transitions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON dispute_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
