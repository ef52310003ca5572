import { z } from 'zod';
import { consentDocumentSchema, type ConsentDocument } from '../consent/consent-document.js';
import { compareInstants } from '../stages/upsert-decision.js';
import type { SqlQueryable } from './sql-client.js';
import { parseRows } from './sql-rows.js';

/**
 * Consent documents as the edge read them, one row per consent_key (the latest version), looked up
 * by person for the consent decision.
 */

const integerVersion = /^[0-9]{1,30}$/;

/** True when `a` is a later version of the document than `b` (integers numerically, else by lastUpdated). */
function isLater(a: ConsentDocument, b: ConsentDocument): boolean {
  if (integerVersion.test(a.version) && integerVersion.test(b.version)) return BigInt(a.version) > BigInt(b.version);
  if (a.lastUpdated !== undefined && b.lastUpdated !== undefined && a.lastUpdated !== b.lastUpdated) return compareInstants(a.lastUpdated, b.lastUpdated) > 0;
  return a.version !== b.version;
}

// The same "later version" rule as isLater(), in SQL, for the row already stored. CASE guarantees
// the numeric cast is only tried on digits.
const saveStatement = `
INSERT INTO consent_state (consent_key, consent_ref, version, person, status, document, deleted_at, updated_at)
SELECT d ->> 'consentKey', d ->> 'consentRef', d ->> 'version', d ->> 'person', d ->> 'status', d, NULL, now()
  FROM unnest($1::jsonb[]) AS u(d)
ON CONFLICT (consent_key) DO UPDATE SET
  consent_ref = excluded.consent_ref, version = excluded.version, person = excluded.person,
  status = excluded.status, document = excluded.document, deleted_at = NULL, updated_at = now()
WHERE CASE
  WHEN excluded.version ~ '^[0-9]{1,30}$' AND consent_state.version ~ '^[0-9]{1,30}$'
    THEN excluded.version::numeric > consent_state.version::numeric
  WHEN excluded.document ? 'lastUpdated' AND consent_state.document ? 'lastUpdated'
       AND excluded.document ->> 'lastUpdated' <> consent_state.document ->> 'lastUpdated'
    THEN (excluded.document ->> 'lastUpdated')::timestamptz > (consent_state.document ->> 'lastUpdated')::timestamptz
  ELSE excluded.version <> consent_state.version
END`;

/** Keeps the highest version per consentKey, within the batch and against the store. */
export async function saveConsentDocuments(q: SqlQueryable, documents: readonly ConsentDocument[]): Promise<void> {
  const latest = new Map<string, ConsentDocument>();
  for (const document of documents) {
    const held = latest.get(document.consentKey);
    if (held === undefined || isLater(document, held)) latest.set(document.consentKey, consentDocumentSchema.parse(document));
  }
  if (latest.size === 0) return;
  await q.query(saveStatement, [[...latest.values()]]);
}

const personsRow = z.object({ person: z.string() });

/**
 * Marks documents deleted at the source: status `deleted`, so they permit nothing. Returns the
 * persons whose documents were marked, for re-deciding their records. Unknown keys are skipped.
 * `deletedAt[i]` is when the source deleted `consentKeys[i]` (null: unknown): a deletion older
 * than the stored version (a replay or back-fill re-reading a DELETE of a Consent since created
 * again) is stale and changes nothing, as for record tombstones (upsert rule 4).
 */
export async function markConsentDeleted(q: SqlQueryable, consentKeys: readonly string[], at: string, deletedAt: readonly (string | null)[] = []): Promise<string[]> {
  if (consentKeys.length === 0) return [];
  const newest = new Map<string, string | null>();
  consentKeys.forEach((key, i) => {
    const time = deletedAt[i] ?? null;
    const held = newest.get(key);
    newest.set(key, held === undefined ? time : held === null || time === null ? null : (Date.parse(time) > Date.parse(held) ? time : held));
  });
  const rows = parseRows(personsRow, await q.query(
    `UPDATE consent_state c
        SET status = 'deleted', document = jsonb_set(c.document, '{status}', '"deleted"'),
            deleted_at = coalesce(c.deleted_at, $2::timestamptz), updated_at = now()
       FROM unnest($1::text[], $3::timestamptz[]) AS d(consent_key, source_deleted_at)
      WHERE c.consent_key = d.consent_key
        AND (d.source_deleted_at IS NULL OR c.document->>'lastUpdated' IS NULL OR (c.document->>'lastUpdated')::timestamptz <= d.source_deleted_at)
  RETURNING c.person`,
    [[...newest.keys()], at, [...newest.values()]],
  ));
  return [...new Set(rows.map((row) => row.person))].sort();
}

/**
 * Marks documents whose newer version could not be read (it was quarantined): `understood: false`,
 * so they refuse every purpose (rule CR14) until a readable newer version replaces them. Without
 * this, a withdrawal with one malformed field would leave the older permit in force (spec §5.9).
 * Returns the persons concerned. Unknown keys are skipped.
 */
export async function markConsentUnreadable(q: SqlQueryable, consentKeys: readonly string[]): Promise<string[]> {
  if (consentKeys.length === 0) return [];
  const rows = parseRows(personsRow, await q.query(
    `UPDATE consent_state
        SET document = jsonb_set(jsonb_set(document, '{understood}', 'false'), '{notUnderstoodReason}', '"newer-version-quarantined"'),
            updated_at = now()
      WHERE consent_key = ANY($1::text[])
  RETURNING person`,
    [[...new Set(consentKeys)]],
  ));
  return [...new Set(rows.map((row) => row.person))].sort();
}

const documentRow = z.object({ person: z.string(), document: z.unknown() });

/** Every stored document of these persons (deleted ones included: they refuse), by person. */
export async function loadConsentDocuments(q: SqlQueryable, persons: readonly string[]): Promise<ReadonlyMap<string, readonly ConsentDocument[]>> {
  const byPerson = new Map<string, ConsentDocument[]>();
  if (persons.length === 0) return byPerson;
  const rows = parseRows(documentRow, await q.query(
    'SELECT person, document FROM consent_state WHERE person = ANY($1::text[]) ORDER BY person, consent_key',
    [[...new Set(persons)]],
  ));
  for (const row of rows) {
    const list = byPerson.get(row.person) ?? [];
    list.push(consentDocumentSchema.parse(row.document));
    byPerson.set(row.person, list);
  }
  return byPerson;
}
