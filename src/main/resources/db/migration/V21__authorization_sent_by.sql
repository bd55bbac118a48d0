-- Which API key sent each authorization message: the card network's key (there can be several,
-- e.g. while one is rotated), or the test key of a simulation; null for a message that came over
-- the ISO 8583 listener, whose connections are logged as they open. Answered network messages are
-- not written to the request log (the authorizations table is their journal), so the key is kept
-- here instead.

ALTER TABLE authorizations ADD COLUMN sent_by_key_id text;

ALTER TABLE authorizations ALTER COLUMN sent_by_key_id SET STATISTICS 0;
