-- Cards: the card, its encrypted number, its lifecycle history.

CREATE TABLE cards (
    id               text PRIMARY KEY,
    tenant_id        text NOT NULL REFERENCES tenants (id),
    mode             text NOT NULL CHECK (mode IN ('test', 'live')),
    program_id       text NOT NULL REFERENCES programs (id),
    cardholder_id    text REFERENCES cardholders (id),
    account_id       text NOT NULL REFERENCES accounts (id),
    form             text NOT NULL CHECK (form IN ('virtual', 'physical')),
    status           text NOT NULL CHECK (status IN ('pending', 'active', 'frozen', 'blocked',
                                                     'expired', 'terminated', 'failed',
                                                     'under_review')),
    network          text NOT NULL,
    last4            char(4) NOT NULL,
    exp_month        integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year         integer NOT NULL,
    -- The card number exists here only encrypted (AES-256-GCM, card id as associated data:
    -- nonce || ciphertext) under pan_key_id, and as a keyed HMAC for look-ups.
    pan_ciphertext   bytea NOT NULL,
    pan_key_id       text NOT NULL REFERENCES key_material (id),
    pan_hmac         bytea NOT NULL,
    pvv              char(4),
    pvki             integer,
    pin_tries        integer NOT NULL DEFAULT 0,
    activation_code_hash bytea,
    label            text,
    reference        text,
    metadata         jsonb NOT NULL DEFAULT '{}',
    single_use       boolean NOT NULL DEFAULT false,
    shipping         jsonb,
    block_reason     text,
    replaces_card_id text REFERENCES cards (id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX cards_page ON cards (tenant_id, mode, id DESC);
CREATE INDEX cards_cardholder ON cards (cardholder_id);
CREATE INDEX cards_metadata ON cards USING gin (metadata jsonb_path_ops);
CREATE INDEX cards_expiry ON cards (exp_year, exp_month) WHERE status IN ('active', 'frozen');
-- A card number belongs to one live card at a time (a renewed card takes over its number).
CREATE UNIQUE INDEX cards_pan_in_use ON cards (pan_hmac) WHERE status <> 'terminated';
CREATE UNIQUE INDEX cards_reference ON cards (tenant_id, mode, reference) WHERE reference IS NOT NULL
    AND status <> 'terminated';

CREATE TABLE card_transitions (
    id           text PRIMARY KEY,
    card_id      text NOT NULL REFERENCES cards (id),
    action       text NOT NULL,
    from_status  text,
    to_status    text NOT NULL,
    reason       text,
    actor        text,
    created_at   timestamptz NOT NULL
);
CREATE INDEX card_transitions_card ON card_transitions (card_id, id DESC);

CREATE TRIGGER card_transitions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON card_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
