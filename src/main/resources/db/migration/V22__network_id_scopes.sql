-- Whose namespace a network transaction id belongs to. The card network's ids are one namespace
-- ('' here); an id a tenant picks when it simulates the network in test mode is in a namespace of
-- that tenant's test realm ('<tenant id>/<mode>'). Before, both shared one unique column, so a
-- test key that used an id first (the ISO 8583 ids are predictable: acquirer, date and time,
-- trace number) made the card network's later message with that id a "repeat": a live
-- authorization answered with the test tenant's approval and no hold, a live clearing booked
-- against the test authorization. Now each namespace is unique on its own, and every look-up of
-- an earlier message names its namespace.
--
-- Rewrites the three unique indexes: on a large deployment, in a quiet hour.

ALTER TABLE authorizations ADD COLUMN ntid_scope text NOT NULL DEFAULT '';
ALTER TABLE authorization_adjustments ADD COLUMN ntid_scope text NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN ntid_scope text NOT NULL DEFAULT '';

-- What was simulated so far: a test key sent it (the network's own key is neither a tenant's nor
-- in test mode, and ISO 8583 messages record no key).
UPDATE authorizations a SET ntid_scope = a.tenant_id || '/' || a.mode
  FROM api_keys k
 WHERE k.id = a.sent_by_key_id AND k.tenant_id IS NOT NULL AND a.tenant_id IS NOT NULL;

-- Adjustments and transactions of a simulated authorization were simulated too (a force post or
-- refund without one cannot be told apart and stays in the network's namespace: test mode only).
UPDATE authorization_adjustments d SET ntid_scope = a.ntid_scope
  FROM authorizations a
 WHERE a.id = d.authorization_id AND a.ntid_scope <> '';
UPDATE transactions t SET ntid_scope = a.ntid_scope
  FROM authorizations a
 WHERE a.id = t.authorization_id AND a.ntid_scope <> '';

ALTER TABLE authorizations DROP CONSTRAINT authorizations_network_transaction_id_key;
ALTER TABLE authorizations ADD CONSTRAINT authorizations_network_transaction_id_key
    UNIQUE (network_transaction_id, ntid_scope);
ALTER TABLE authorization_adjustments
    DROP CONSTRAINT authorization_adjustments_network_transaction_id_key;
ALTER TABLE authorization_adjustments
    ADD CONSTRAINT authorization_adjustments_network_transaction_id_key
    UNIQUE (network_transaction_id, ntid_scope);
ALTER TABLE transactions DROP CONSTRAINT transactions_network_transaction_id_key;
ALTER TABLE transactions ADD CONSTRAINT transactions_network_transaction_id_key
    UNIQUE (network_transaction_id, ntid_scope);

ALTER TABLE authorizations ALTER COLUMN ntid_scope SET STATISTICS 0;
