-- Pending records decided again in a later page or run (their consent arrived, or their waiting
-- time ran out): `released` were stored, `lapsed` were refused. They were counted as pending when
-- they were read, so they stand outside a stream's balance (read = stored + … + pending + …).
ALTER TABLE sync_run_streams ADD COLUMN released bigint NOT NULL DEFAULT 0;
ALTER TABLE sync_run_streams ADD COLUMN lapsed bigint NOT NULL DEFAULT 0;
