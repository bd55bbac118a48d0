-- Spend controls of cards and cardholders (program controls live on the program), and the usage
-- counters windowed limits are checked against.

CREATE TABLE spend_controls (
    subject_id text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    mode       text NOT NULL CHECK (mode IN ('test', 'live')),
    controls   jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);

-- window_key: 'day:2026-11-22', 'week:2026-W47', 'month:2026-11' (program time zone) or
-- 'lifetime'; amounts in minor units of the card's account currency.
CREATE TABLE spend_usage (
    subject_id text NOT NULL,
    window_key text NOT NULL,
    amount     bigint NOT NULL CHECK (amount >= 0),
    count      integer NOT NULL CHECK (count >= 0),
    PRIMARY KEY (subject_id, window_key)
);
