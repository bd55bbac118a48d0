-- Funding: fee rules, FX rates, deposits, transfers and deposit addresses.

CREATE TABLE fee_schedules (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    mode       text NOT NULL CHECK (mode IN ('test', 'live')),
    rules      jsonb NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, mode)
);

CREATE TABLE fx_rates (
    id         text PRIMARY KEY,
    base       char(3) NOT NULL,
    quote      char(3) NOT NULL,
    rate       numeric(30, 12) NOT NULL CHECK (rate > 0),
    created_at timestamptz NOT NULL,
    CHECK (base <> quote)
);
CREATE INDEX fx_rates_pair ON fx_rates (base, quote, id DESC);

CREATE TABLE deposits (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    mode         text NOT NULL CHECK (mode IN ('test', 'live')),
    account_id   text NOT NULL REFERENCES accounts (id),
    amount       bigint NOT NULL CHECK (amount > 0),
    currency     char(3) NOT NULL,
    fee_amount   bigint NOT NULL CHECK (fee_amount >= 0),
    net_amount   bigint NOT NULL CHECK (net_amount >= 0),
    rail         text NOT NULL CHECK (rail IN ('bank_transfer', 'stablecoin')),
    scheme       text,
    asset        text,
    chain        text,
    reference    text,
    posting_id   text NOT NULL REFERENCES postings (id),
    created_at   timestamptz NOT NULL,
    CHECK (net_amount = amount - fee_amount)
);
CREATE INDEX deposits_page ON deposits (tenant_id, mode, id DESC);

CREATE TABLE transfers (
    id                text PRIMARY KEY,
    tenant_id         text NOT NULL REFERENCES tenants (id),
    mode              text NOT NULL CHECK (mode IN ('test', 'live')),
    kind              text NOT NULL CHECK (kind IN ('internal', 'platform')),
    from_account_id   text NOT NULL REFERENCES accounts (id),
    to_account_id     text NOT NULL REFERENCES accounts (id),
    amount            bigint NOT NULL CHECK (amount > 0),
    currency          char(3) NOT NULL,
    to_amount         bigint NOT NULL CHECK (to_amount > 0),
    to_currency       char(3) NOT NULL,
    fx_mid_rate       numeric(30, 12),
    fx_rate           numeric(30, 16),
    fx_markup_bps     integer,
    fx_markup_amount  bigint,
    fee_amount        bigint NOT NULL CHECK (fee_amount >= 0),
    description       text,
    metadata          jsonb NOT NULL DEFAULT '{}',
    posting_id        text NOT NULL REFERENCES postings (id),
    created_at        timestamptz NOT NULL,
    CHECK (from_account_id <> to_account_id)
);
CREATE INDEX transfers_page ON transfers (tenant_id, mode, id DESC);

CREATE TABLE deposit_addresses (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    mode       text NOT NULL CHECK (mode IN ('test', 'live')),
    account_id text NOT NULL REFERENCES accounts (id),
    chain      text NOT NULL CHECK (chain IN ('ethereum', 'solana')),
    address    text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    UNIQUE (account_id, chain)
);
CREATE INDEX deposit_addresses_page ON deposit_addresses (tenant_id, mode, id DESC);
