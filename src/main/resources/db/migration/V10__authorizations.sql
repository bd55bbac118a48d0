-- Authorizations: every network request and what became of it, approved or declined.

ALTER TABLE key_material DROP CONSTRAINT key_material_purpose_check;
ALTER TABLE key_material ADD CONSTRAINT key_material_purpose_check
    CHECK (purpose IN ('pan_data', 'pan_lookup', 'cvk', 'pvk', 'pin_tdes', 'pin_aes',
                       'webhook_secret'));
ALTER TABLE programs ADD COLUMN webhook_secret_key_id text REFERENCES key_material (id);

CREATE TABLE authorizations (
    id                     text PRIMARY KEY,
    -- Unknown when no card has the number the network sent (card_not_found).
    tenant_id              text REFERENCES tenants (id),
    mode                   text CHECK (mode IN ('test', 'live')),
    card_id                text REFERENCES cards (id),
    cardholder_id          text,
    account_id             text REFERENCES accounts (id),
    network_transaction_id text NOT NULL UNIQUE,
    amount                 bigint NOT NULL CHECK (amount >= 0),
    currency               char(3) NOT NULL,
    card_amount            bigint,
    card_currency          char(3),
    fx_rate                numeric(30, 16),
    merchant_id            text,
    merchant_name          text,
    mcc                    char(4),
    merchant_city          text,
    merchant_country       char(2),
    channel                text NOT NULL,
    approved               boolean NOT NULL,
    status                 text NOT NULL CHECK (status IN ('pending', 'closed', 'reversed',
                                                           'expired', 'declined')),
    decline_reason         text,
    response_code          char(2) NOT NULL,
    explanation            text NOT NULL,
    decision_source        text NOT NULL CHECK (decision_source IN ('internal', 'webhook',
                                                                    'stand_in')),
    webhook_latency_ms     integer,
    webhook_reason         text,
    webhook_metadata       jsonb,
    hold_id                text REFERENCES holds (id),
    decision_latency_ms    integer NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX authorizations_page ON authorizations (tenant_id, mode, id DESC);
CREATE INDEX authorizations_card ON authorizations (card_id, id DESC);
