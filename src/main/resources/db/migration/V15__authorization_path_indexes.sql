-- The authorization path looks a card up by its number's HMAC whatever its status (a terminated
-- card must still be named to the network); the partial unique index only serves cards in use.
CREATE INDEX cards_pan_hmac ON cards (pan_hmac);

-- The risk rule counts a card's recent CVV and expiry mismatches: only those rows, by time.
CREATE INDEX authorizations_card_mismatches ON authorizations (card_id, created_at)
    WHERE NOT approved AND decline_reason IN ('invalid_cvv', 'expiry_mismatch');
