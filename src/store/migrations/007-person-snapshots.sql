-- Per-person snapshot sources (UWV, trajectory-format.md §4 rule 7): a stored row missing from a
-- person's new snapshot is removed, and the removal is logged like a source deletion.
ALTER TABLE record_removals DROP CONSTRAINT record_removals_reason_check;
ALTER TABLE record_removals ADD CONSTRAINT record_removals_reason_check
  CHECK (reason IN ('source-deleted', 'entered-in-error', 'snapshot-missing'));

-- `removed`: stored rows a snapshot no longer holds (outside the balance, like released/lapsed:
-- they were not read in this run). `person_counts`: what happened to the persons a per-person
-- source was asked about (asked, not-found, skipped-no-consent, …), counts only, never who.
ALTER TABLE sync_run_streams ADD COLUMN removed bigint NOT NULL DEFAULT 0;
ALTER TABLE sync_run_streams ADD COLUMN person_counts jsonb NOT NULL DEFAULT '{}'::jsonb;
