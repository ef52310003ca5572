-- The consent decision log: append-only and chained by hash (brief, invariant 4). The chain's
-- format is described in src/consent/consent-log-chain.ts; hashes are computed by werkbrug, the
-- database only keeps them.
CREATE TABLE consent_log (
  seq         bigint      PRIMARY KEY CHECK (seq >= 1),
  prev_hash   text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  content     jsonb       NOT NULL,
  appended_at timestamptz NOT NULL DEFAULT now()
);

-- The chain's head, one row. Appenders lock it (SELECT ... FOR UPDATE) for the rest of their
-- batch transaction, which serialises writers across processes; the verifier compares it with
-- the last entry, which catches a truncated tail.
CREATE TABLE consent_log_head (
  id         smallint    PRIMARY KEY CHECK (id = 1),
  seq        bigint      NOT NULL,
  hash       text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO consent_log_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- Append-only in the database too, so a bug cannot rewrite history. Someone with owner rights can
-- disable this trigger; that is what the hash chain and `werkbrug consent verify` are for.
CREATE FUNCTION consent_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER consent_log_no_update_or_delete BEFORE UPDATE OR DELETE ON consent_log
  FOR EACH ROW EXECUTE FUNCTION consent_log_append_only();
CREATE TRIGGER consent_log_no_truncate BEFORE TRUNCATE ON consent_log
  FOR EACH STATEMENT EXECUTE FUNCTION consent_log_append_only();
