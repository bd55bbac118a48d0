-- Programs: sponsor banks, BIN ranges and the card programs offered to tenants; and the key
-- material they use, stored wrapped under the master key.

CREATE TABLE key_material (
    id         text PRIMARY KEY,
    purpose    text NOT NULL CHECK (purpose IN ('pan_data', 'pan_lookup', 'cvk', 'pvk',
                                                'pin_tdes', 'pin_aes')),
    -- AES-256-GCM under the master key, with the key id as associated data: nonce || ciphertext.
    wrapped    bytea NOT NULL,
    status     text NOT NULL CHECK (status IN ('active', 'retired')),
    created_at timestamptz NOT NULL
);
CREATE INDEX key_material_purpose ON key_material (purpose, created_at DESC);

CREATE TABLE sponsors (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    country    char(2) NOT NULL,
    regions    text[] NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE bin_ranges (
    id          text PRIMARY KEY,
    bin         text NOT NULL UNIQUE CHECK (bin ~ '^[0-9]{6,8}$'),
    network     text NOT NULL CHECK (network IN ('visa', 'mastercard')),
    sponsor_id  text NOT NULL REFERENCES sponsors (id),
    country     char(2) NOT NULL,
    pan_length  integer NOT NULL CHECK (pan_length BETWEEN 13 AND 19),
    currencies  text[] NOT NULL,
    forms       text[] NOT NULL,
    features    text[] NOT NULL,
    -- References into key_material: the keys never live in this table.
    cvk_key_id  text NOT NULL,
    pvk_key_id  text NOT NULL,
    pin_key_id  text NOT NULL,
    pin_aes_key_id text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE programs (
    id                       text PRIMARY KEY,
    tenant_id                text NOT NULL REFERENCES tenants (id),
    name                     text NOT NULL,
    bin_range_id             text NOT NULL REFERENCES bin_ranges (id),
    kind                     text NOT NULL CHECK (kind IN ('b2b', 'b2c')),
    currency                 char(3) NOT NULL,
    markets                  text[] NOT NULL,
    default_controls         jsonb NOT NULL DEFAULT '{}',
    issuance_fee_virtual     bigint NOT NULL DEFAULT 0 CHECK (issuance_fee_virtual >= 0),
    issuance_fee_physical    bigint NOT NULL DEFAULT 0 CHECK (issuance_fee_physical >= 0),
    fx_markup_bps            integer NOT NULL DEFAULT 0 CHECK (fx_markup_bps BETWEEN 0 AND 2000),
    validity_months          integer NOT NULL CHECK (validity_months BETWEEN 1 AND 120),
    max_cards_per_cardholder integer CHECK (max_cards_per_cardholder > 0),
    reveal_policy            text NOT NULL CHECK (reveal_policy IN ('once', 'on_demand')),
    renew_on_expiry          boolean NOT NULL DEFAULT true,
    hold_expiry_days         integer NOT NULL DEFAULT 7 CHECK (hold_expiry_days BETWEEN 1 AND 31),
    time_zone                text NOT NULL DEFAULT 'UTC',
    webhook_url              text,
    webhook_budget_ms        integer NOT NULL DEFAULT 50 CHECK (webhook_budget_ms BETWEEN 1 AND 2000),
    webhook_stand_in         text NOT NULL DEFAULT 'decline' CHECK (webhook_stand_in IN ('approve', 'decline')),
    status                   text NOT NULL CHECK (status IN ('enabled', 'disabled')),
    created_at               timestamptz NOT NULL
);
CREATE INDEX programs_tenant ON programs (tenant_id, id DESC);
