-- Cardholders: one row per person, scoped by tenant and mode.

CREATE TABLE cardholders (
    id                  text PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id),
    mode                text NOT NULL CHECK (mode IN ('test', 'live')),
    reference           text NOT NULL,
    first_name          text NOT NULL,
    last_name           text NOT NULL,
    email               text NOT NULL,
    phone               text,
    date_of_birth       date,
    address_line1       text NOT NULL,
    address_line2       text,
    address_city        text NOT NULL,
    address_state       text,
    address_postal_code text NOT NULL,
    address_country     char(2) NOT NULL,
    document_type       text,
    document_number     text,
    document_country    char(2),
    kyc_status          text NOT NULL CHECK (kyc_status IN ('pending', 'verified', 'rejected')),
    metadata            jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    UNIQUE (tenant_id, mode, reference)
);
CREATE INDEX cardholders_page ON cardholders (tenant_id, mode, id DESC);
CREATE INDEX cardholders_email ON cardholders (tenant_id, mode, email);
CREATE INDEX cardholders_metadata ON cardholders USING gin (metadata jsonb_path_ops);
