-- The latest version of every consent document the edge read (src/consent/consent-document.ts):
-- what the consent decision reads. One row per consent_key; looked up by person.
CREATE TABLE consent_state (
  consent_key  text        PRIMARY KEY,
  consent_ref  text        NOT NULL,
  version      text        NOT NULL,
  person       text        NOT NULL,
  status       text        NOT NULL,
  document     jsonb       NOT NULL,
  -- Set when the source deleted the document (a FHIR DELETE): it then permits nothing.
  deleted_at   timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_state_person_idx ON consent_state (person);
