-- Batches whose ingest transaction committed. A job whose commit succeeded but whose completion
-- never reached Redis is retried by BullMQ; the retry finds its batch here and changes nothing,
-- so no run counter is added twice (brief, invariant 5). Kept with the run for operations.
CREATE TABLE ingested_batches (
  batch_id     text        PRIMARY KEY,
  run_id       text        NOT NULL,
  partner_id   text        NOT NULL,
  stream       text        NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingested_batches_run_idx ON ingested_batches (run_id);
