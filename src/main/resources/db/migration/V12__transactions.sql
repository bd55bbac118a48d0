-- After approval: adjustments to authorizations (increments, reversals) and posted transactions
-- (settlements, refunds, force posts). Each network message id is unique: a repeat changes
-- nothing and gets the first answer.

ALTER TABLE authorizations ADD COLUMN held_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE authorizations ADD COLUMN cleared_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE authorizations ADD COLUMN reversed_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE authorizations ADD COLUMN hold_expires_at timestamptz;
ALTER TABLE authorizations ADD COLUMN single_use boolean NOT NULL DEFAULT false;

CREATE TABLE authorization_adjustments (
    id                     text PRIMARY KEY,
    authorization_id       text NOT NULL REFERENCES authorizations (id),
    network_transaction_id text NOT NULL UNIQUE,
    kind                   text NOT NULL CHECK (kind IN ('increment', 'reversal')),
    approved               boolean NOT NULL,
    response_code          char(2) NOT NULL,
    amount                 bigint NOT NULL,
    card_amount            bigint NOT NULL,
    explanation            text NOT NULL,
    created_at             timestamptz NOT NULL
);
CREATE INDEX authorization_adjustments_authorization ON authorization_adjustments (authorization_id);

CREATE TABLE transactions (
    id                     text PRIMARY KEY,
    tenant_id              text NOT NULL REFERENCES tenants (id),
    mode                   text NOT NULL CHECK (mode IN ('test', 'live')),
    card_id                text NOT NULL REFERENCES cards (id),
    cardholder_id          text,
    account_id             text NOT NULL REFERENCES accounts (id),
    authorization_id       text REFERENCES authorizations (id),
    network_transaction_id text NOT NULL UNIQUE,
    kind                   text NOT NULL CHECK (kind IN ('settlement', 'refund', 'force_post')),
    amount                 bigint NOT NULL CHECK (amount > 0),
    currency               char(3) NOT NULL,
    card_amount            bigint NOT NULL CHECK (card_amount > 0),
    card_currency          char(3) NOT NULL,
    merchant_id            text,
    merchant_name          text,
    mcc                    char(4),
    merchant_country       char(2),
    posting_id             text NOT NULL REFERENCES postings (id),
    review_required        boolean NOT NULL DEFAULT false,
    review_reason          text,
    created_at             timestamptz NOT NULL
);
CREATE INDEX transactions_page ON transactions (tenant_id, mode, id DESC);
CREATE INDEX transactions_card ON transactions (card_id, id DESC);
CREATE INDEX authorizations_pending_expiry ON authorizations (hold_expires_at) WHERE status = 'pending';
