-- The access log in the spirit of NEN 7513: who looked at whose privacy data through werkbrug,
-- when, on whose behalf and under which authorisation. Protected like the consent log
-- (004-consent-log.sql): append-only and chained by hash, with its own head. The chain's format
-- is the consent log's `cl1` (src/consent/consent-log-chain.ts) over the access-log content;
-- references to an entry are written `al1:` + its hash. Hashes are computed by werkbrug, the
-- database only keeps them.
CREATE TABLE access_log (
  seq         bigint      PRIMARY KEY CHECK (seq >= 1),
  prev_hash   text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  content     jsonb       NOT NULL,
  -- The event's own time (content.at), as a column so a period is listed through an index.
  at          timestamptz NOT NULL,
  appended_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_log_at ON access_log (at, seq);
CREATE INDEX access_log_person ON access_log ((content ->> 'person'), seq);

-- The chain's head, one row, locked by appenders for the rest of their transaction.
CREATE TABLE access_log_head (
  id         smallint    PRIMARY KEY CHECK (id = 1),
  seq        bigint      NOT NULL,
  hash       text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO access_log_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- Append-only in the database too. Someone with owner rights can disable this trigger; that is
-- what the hash chain and `werkbrug privacy access-log verify` are for.
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER access_log_no_update_or_delete BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
