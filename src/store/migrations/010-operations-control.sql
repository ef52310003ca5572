-- Operations (issue 6): pausing a partner, what a run covered (so it can be retried, replayed or
-- back-filled), releasing quarantined records for a re-pull, and the state of alerts (so one
-- outage is one alert and one recovery, across every scheduler process).

-- A partner paused by `werkbrug pause`: its scheduled and queued work waits until `resume`.
-- (A partner switched off in the config, `paused: true`, is not here: it is never scheduled.)
CREATE TABLE partner_control (
  partner_id text        PRIMARY KEY,
  paused     boolean     NOT NULL,
  reason     text,
  changed_by text        NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- What a run covered. `source_run_id`: the run a retry, replay or release re-runs. `streams`: the
-- streams it pulled (NULL: all of the partner's). `scope`: a replay's or back-fill window's bounds
-- (JSON, jobs/sync.ts `runScopeSchema`). `slot`: the schedule slot that started it.
ALTER TABLE sync_runs ADD COLUMN source_run_id text;
ALTER TABLE sync_runs ADD COLUMN streams text[];
ALTER TABLE sync_runs ADD COLUMN scope jsonb;
ALTER TABLE sync_runs ADD COLUMN slot text;
CREATE INDEX sync_runs_source_idx ON sync_runs (source_run_id);
CREATE INDEX sync_runs_status_idx ON sync_runs (status, started_at DESC);

-- The cursor a stream's pull started from and the cursor after its last stored page: a replay
-- pulls exactly this range again. Written with the counters, in the batch's own transaction.
ALTER TABLE sync_run_streams ADD COLUMN cursor_from jsonb;
ALTER TABLE sync_run_streams ADD COLUMN cursor_to jsonb;
-- `cursor_from_set`: cursor_from was recorded (NULL then means "from the beginning").
ALTER TABLE sync_run_streams ADD COLUMN cursor_from_set boolean NOT NULL DEFAULT false;

-- A quarantined record released by `werkbrug quarantine release`: the run that re-pulls it. A
-- release that quarantines it again clears `released_at` (the upsert in quarantine-store.ts).
ALTER TABLE quarantine ADD COLUMN released_at timestamptz;
ALTER TABLE quarantine ADD COLUMN release_run_id text;

-- One row per alert condition (`failed-run:ggz-altrecht`, `stale:uwv`, …): `firing` from the first
-- alert until its recovery was sent. Deliveries are attempted by whoever holds the row's lock.
CREATE TABLE alert_state (
  alert_key    text        PRIMARY KEY,
  kind         text        NOT NULL,
  partner_id   text,
  status       text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  first_at     timestamptz NOT NULL,
  last_at      timestamptz NOT NULL,
  notified_at  timestamptz,
  resolved_at  timestamptz,
  recovery_notified_at timestamptz,
  summary      text        NOT NULL,
  detail       jsonb       NOT NULL DEFAULT '{}'::jsonb
);
