-- Ledger: accounts with running balances, append-only postings and entries, and holds.
-- Invariants (checked by `cardos ledger verify`):
--   every posting's entries sum to zero per currency;
--   accounts.ledger_balance = sum of the account's entries;
--   accounts.held_balance = sum of the account's active holds;
--   available = ledger - held never goes below -overdraft_limit unless allow_negative
--   (system accounts such as settlement may).

CREATE TABLE accounts (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    kind            text NOT NULL CHECK (kind IN ('funding', 'wallet', 'card', 'fee_revenue',
                                                  'settlement', 'fx', 'suspense')),
    currency        char(3) NOT NULL,
    cardholder_id   text REFERENCES cardholders (id),
    reference       text,
    ledger_balance  bigint NOT NULL DEFAULT 0,
    held_balance    bigint NOT NULL DEFAULT 0 CHECK (held_balance >= 0),
    overdraft_limit bigint NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
    allow_negative  boolean NOT NULL DEFAULT false,
    metadata        jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    -- The last line of defence: whatever the code does, the database refuses an overdraft.
    CONSTRAINT available_not_negative
        CHECK (allow_negative OR ledger_balance - held_balance >= -overdraft_limit),
    CHECK ((kind = 'wallet') = (cardholder_id IS NOT NULL) OR kind = 'card')
);
CREATE INDEX accounts_page ON accounts (tenant_id, mode, id DESC);
-- One funding account and one of each system account per realm and currency; one wallet per
-- cardholder and currency.
CREATE UNIQUE INDEX accounts_one_per_currency ON accounts (tenant_id, mode, kind, currency)
    WHERE kind IN ('funding', 'fee_revenue', 'settlement', 'fx', 'suspense');
CREATE UNIQUE INDEX accounts_one_wallet ON accounts (cardholder_id, currency) WHERE kind = 'wallet';

CREATE TABLE postings (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    mode         text NOT NULL CHECK (mode IN ('test', 'live')),
    kind         text NOT NULL,
    description  text,
    reference_id text,
    created_at   timestamptz NOT NULL
);
CREATE INDEX postings_reference ON postings (reference_id);

CREATE TABLE entries (
    id         text PRIMARY KEY,
    posting_id text NOT NULL REFERENCES postings (id),
    account_id text NOT NULL REFERENCES accounts (id),
    currency   char(3) NOT NULL,
    amount     bigint NOT NULL CHECK (amount <> 0),
    -- The account's ledger balance right after this entry, for statements.
    balance_after bigint NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX entries_account ON entries (account_id, id DESC);
CREATE INDEX entries_posting ON entries (posting_id);

CREATE TABLE holds (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    account_id      text NOT NULL REFERENCES accounts (id),
    currency        char(3) NOT NULL,
    amount          bigint NOT NULL CHECK (amount >= 0),
    original_amount bigint NOT NULL CHECK (original_amount > 0),
    captured_amount bigint NOT NULL DEFAULT 0 CHECK (captured_amount >= 0),
    status          text NOT NULL CHECK (status IN ('active', 'released', 'captured', 'expired')),
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((status = 'active') OR amount = 0)
);
CREATE INDEX holds_account ON holds (account_id) WHERE status = 'active';
CREATE INDEX holds_expiry ON holds (expires_at) WHERE status = 'active';

-- Every change to a hold, by the id of the operation that asked for it, so that a repeated
-- operation is recognised and changes nothing.
CREATE TABLE hold_operations (
    id           text PRIMARY KEY,
    hold_id      text NOT NULL REFERENCES holds (id),
    kind         text NOT NULL CHECK (kind IN ('place', 'increase', 'release', 'capture',
                                               'expire')),
    amount       bigint NOT NULL,
    posting_id   text REFERENCES postings (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX hold_operations_hold ON hold_operations (hold_id);

CREATE FUNCTION ledger_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER hold_operations_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON hold_operations
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
