-- What operations sees: records waiting for consent, quarantined records, sync runs with their
-- counters, and the cursor of every stream.

-- A record whose consent decision waits (brief, invariant 2). `draft` is the pseudonymised draft
-- from the edge; `waiting_since` is the first time it waited and never moves forward.
CREATE TABLE pending (
  partner_id      text        NOT NULL,
  record_key      text        NOT NULL,
  stream          text        NOT NULL,
  person          text        NOT NULL,
  draft           jsonb       NOT NULL,
  connector       text        NOT NULL,
  mapping_version text        NOT NULL,
  waiting_since   timestamptz NOT NULL,
  run_id          text        NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, record_key)
);
CREATE INDEX pending_person_idx ON pending (person);
CREATE INDEX pending_waiting_since_idx ON pending (waiting_since);

-- A record that could not be read or mapped (brief, invariant 5): the source reference, the
-- field path, a reason code and what was expected. Never the value or any raw data. One row per
-- (partner, source_ref, reason, field); a repeat counts another occurrence.
CREATE TABLE quarantine (
  partner_id    text        NOT NULL,
  source_ref    text        NOT NULL,
  reason        text        NOT NULL,
  field         text        NOT NULL,
  stream        text        NOT NULL,
  stage         text        NOT NULL,
  expected      text        NOT NULL,
  first_run_id  text        NOT NULL,
  run_id        text        NOT NULL,
  batch_id      text        NOT NULL,
  occurrences   integer     NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, source_ref, reason, field)
);
CREATE INDEX quarantine_run_idx ON quarantine (run_id);

CREATE TABLE sync_runs (
  run_id        text        PRIMARY KEY,
  partner_id    text        NOT NULL,
  triggered_by  text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  error_code    text,
  error_message text
);
CREATE INDEX sync_runs_partner_idx ON sync_runs (partner_id, started_at DESC);

-- Counters per run and stream, added to by every batch in the batch's own transaction, so a
-- retried batch never counts twice. No foreign key to sync_runs: a run is recorded by whoever
-- starts it, and the counters must never be the reason a stored batch fails.
CREATE TABLE sync_run_streams (
  run_id      text    NOT NULL,
  stream      text    NOT NULL,
  read        bigint  NOT NULL DEFAULT 0,
  stored      bigint  NOT NULL DEFAULT 0,
  unchanged   bigint  NOT NULL DEFAULT 0,
  stale       bigint  NOT NULL DEFAULT 0,
  deleted     bigint  NOT NULL DEFAULT 0,
  quarantined bigint  NOT NULL DEFAULT 0,
  refused     bigint  NOT NULL DEFAULT 0,
  pending     bigint  NOT NULL DEFAULT 0,
  absorbed    bigint  NOT NULL DEFAULT 0,
  pages       bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, stream)
);

-- The cursor of a stream moves in the same transaction as the batch it follows: it is visible
-- only once that batch is stored (brief, invariant 5).
CREATE TABLE cursors (
  partner_id text        NOT NULL,
  stream     text        NOT NULL,
  cursor     jsonb       NOT NULL,
  run_id     text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, stream)
);
