-- Erasure after a withdrawal of consent (brief, invariant 3; trajectory-format.md §6): one receipt
-- per person and purpose, the proof a privacy officer shows that the person's data for that purpose
-- left the store. Counts, codes, references and the pseudonym only: the erased payload goes nowhere.
-- Each receipt repeats its consent-log entry (seq and hash), which is the tamper-evident copy:
-- `werkbrug privacy erasures` checks the two against each other.
CREATE TABLE erasure_receipts (
  receipt_id           text        PRIMARY KEY,
  person               text        NOT NULL,
  purpose              text        NOT NULL,
  -- The partner whose consent change carried the withdrawal; the erased rows may be any partner's.
  partner_id           text        NOT NULL,
  consent_ref          text,
  rule                 text        NOT NULL,
  -- The consent rule that now refuses the purpose (CR07-withdrawn, CR05-deny, CR19-deleted-at-source, …).
  withdrawal_rule      text        NOT NULL,
  rows_updated         integer     NOT NULL CHECK (rows_updated >= 0),
  rows_deleted         integer     NOT NULL CHECK (rows_deleted >= 0),
  history_rows_updated integer     NOT NULL CHECK (history_rows_updated >= 0),
  history_rows_deleted integer     NOT NULL CHECK (history_rows_deleted >= 0),
  pending_deleted      integer     NOT NULL CHECK (pending_deleted >= 0),
  log_seq              bigint      NOT NULL UNIQUE,
  log_hash             text        NOT NULL CHECK (log_hash ~ '^[0-9a-f]{64}$'),
  run_id               text,
  batch_id             text,
  erased_at            timestamptz NOT NULL
);
CREATE INDEX erasure_receipts_at_idx ON erasure_receipts (erased_at);
CREATE INDEX erasure_receipts_person_idx ON erasure_receipts (person);
