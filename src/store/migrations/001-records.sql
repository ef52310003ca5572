-- Stored trajectory records (trajectory-format.md §3-§4). Only pseudonyms, codes and references:
-- nothing in these tables identifies a person without the region's key (brief, invariant 1).

-- One row per (partner_id, record_key), the natural key of §4. The columns repeat what the upsert
-- rules and the reports filter on; `record` is the whole stored record and the columns are
-- derived from it in the same statement, so they cannot disagree.
CREATE TABLE records (
  partner_id      text        NOT NULL,
  record_key      text        NOT NULL,
  record_ref      text        NOT NULL,
  record_kind     text        NOT NULL,
  person          text,
  version         text        NOT NULL,
  mapping_version text        NOT NULL,
  modified_at     timestamptz,
  content_hash    text        NOT NULL,
  -- Hash of the record as the source delivered it (without purposes and lineage): version
  -- conflicts compare this, so a changed consent outcome is not mistaken for a conflict.
  draft_hash      text        NOT NULL,
  purposes        text[]      NOT NULL DEFAULT '{}',
  record          jsonb       NOT NULL,
  batch_id        text        NOT NULL,
  run_id          text        NOT NULL,
  ingested_at     timestamptz NOT NULL,
  -- Housekeeping only: a replayed batch may move it (rule 2) and nothing else.
  last_seen_at    timestamptz NOT NULL,
  PRIMARY KEY (partner_id, record_key)
);
CREATE INDEX records_person_idx ON records (person);
CREATE INDEX records_kind_idx ON records (partner_id, record_kind);

-- Earlier versions replaced by a newer one (rule 3, re-mappings). Same shape as `records` plus
-- when and by which run the version was replaced. Erasure finds them by person.
CREATE TABLE record_history (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id      text        NOT NULL,
  record_key      text        NOT NULL,
  record_ref      text        NOT NULL,
  record_kind     text        NOT NULL,
  person          text,
  version         text        NOT NULL,
  mapping_version text        NOT NULL,
  modified_at     timestamptz,
  content_hash    text        NOT NULL,
  purposes        text[]      NOT NULL,
  record          jsonb       NOT NULL,
  batch_id        text        NOT NULL,
  run_id          text        NOT NULL,
  ingested_at     timestamptz NOT NULL,
  replaced_at     timestamptz NOT NULL,
  replaced_by_run text        NOT NULL
);
CREATE INDEX record_history_key_idx ON record_history (partner_id, record_key);
CREATE INDEX record_history_person_idx ON record_history (person);

-- Rule 6: a source deletion removes the row and its history (the payload goes nowhere); this
-- table keeps the proof: which reference was removed, why, when and by which run.
CREATE TABLE record_removals (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id      text        NOT NULL,
  record_key      text        NOT NULL,
  record_ref      text        NOT NULL,
  record_kind     text        NOT NULL,
  person          text,
  removed_version text        NOT NULL,
  reason          text        NOT NULL CHECK (reason IN ('source-deleted', 'entered-in-error')),
  history_rows    integer     NOT NULL,
  run_id          text        NOT NULL,
  removed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_removals_key_idx ON record_removals (partner_id, record_key);
CREATE INDEX record_removals_person_idx ON record_removals (person);
