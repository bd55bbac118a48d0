-- ANALYZE samples up to 300 x the statistics target rows (30,000 by default) and sorts every
-- column of the sample. On the tables every authorization appends to, most columns are payload no
-- query filters, joins or groups on: an explanation, a merchant's city, the tenant's metadata, a
-- JSON event body. Measured in the benchmark, autoanalyze of authorizations and events cost about
-- 0.6 s and 0.7 s of CPU each time (elapsed about 1 s each, once a minute while the tables grow),
-- a burst that two shared cores feel as slow answers. Statistics 0 skips a column; the planner
-- falls back to default estimates for it, which no query here depends on.

ALTER TABLE authorizations
    ALTER COLUMN amount SET STATISTICS 0,
    ALTER COLUMN currency SET STATISTICS 0,
    ALTER COLUMN card_amount SET STATISTICS 0,
    ALTER COLUMN card_currency SET STATISTICS 0,
    ALTER COLUMN fx_rate SET STATISTICS 0,
    ALTER COLUMN merchant_name SET STATISTICS 0,
    ALTER COLUMN mcc SET STATISTICS 0,
    ALTER COLUMN merchant_city SET STATISTICS 0,
    ALTER COLUMN merchant_country SET STATISTICS 0,
    ALTER COLUMN channel SET STATISTICS 0,
    ALTER COLUMN response_code SET STATISTICS 0,
    ALTER COLUMN explanation SET STATISTICS 0,
    ALTER COLUMN decision_source SET STATISTICS 0,
    ALTER COLUMN webhook_latency_ms SET STATISTICS 0,
    ALTER COLUMN webhook_reason SET STATISTICS 0,
    ALTER COLUMN webhook_metadata SET STATISTICS 0,
    ALTER COLUMN decision_latency_ms SET STATISTICS 0,
    ALTER COLUMN held_amount SET STATISTICS 0,
    ALTER COLUMN cleared_amount SET STATISTICS 0,
    ALTER COLUMN reversed_amount SET STATISTICS 0,
    ALTER COLUMN single_use SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0;

ALTER TABLE events
    ALTER COLUMN data SET STATISTICS 0;

ALTER TABLE holds
    ALTER COLUMN currency SET STATISTICS 0,
    ALTER COLUMN amount SET STATISTICS 0,
    ALTER COLUMN original_amount SET STATISTICS 0,
    ALTER COLUMN captured_amount SET STATISTICS 0,
    ALTER COLUMN created_at SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0;

ALTER TABLE hold_operations
    ALTER COLUMN kind SET STATISTICS 0,
    ALTER COLUMN amount SET STATISTICS 0,
    ALTER COLUMN created_at SET STATISTICS 0;
