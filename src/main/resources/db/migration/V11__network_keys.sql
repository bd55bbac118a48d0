-- API keys get an explicit role: the operator's, the card network's, or a tenant's.
ALTER TABLE api_keys ADD COLUMN role text NOT NULL DEFAULT 'tenant'
    CHECK (role IN ('operator', 'network', 'tenant'));
UPDATE api_keys SET role = 'operator' WHERE tenant_id IS NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_tenant CHECK ((role = 'tenant') = (tenant_id IS NOT NULL));
