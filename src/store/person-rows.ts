import { z } from 'zod';
import { trajectoryRecordSchema } from '../trajectory/trajectory-record.js';
import type { SqlQueryable } from './sql-client.js';
import { parseRows } from './sql-rows.js';
import type { PersonRow, PersonWindow } from './store.js';

/**
 * Reads by person for the per-person source (UWV, `partners/uwv-suwinet.md` §1): the rows a new
 * snapshot replaces (rule 7), and the window of a person's trajectories that sets the period the
 * source is asked about (§1.2). Pseudonyms only; nothing here sees a BSN.
 */

const personRow = z.object({ record_key: z.string(), record_ref: z.string(), record: z.unknown() });

export async function loadPersonRows(q: SqlQueryable, partnerId: string, person: string, keyPrefix: string): Promise<PersonRow[]> {
  // `starts_with` instead of LIKE: a prefix holding `_` or `%` must not act as a pattern.
  const rows = parseRows(personRow, await q.query(
    'SELECT record_key, record_ref, record FROM records WHERE partner_id = $1 AND person = $2 AND starts_with(record_key, $3) ORDER BY record_key',
    [partnerId, person, keyPrefix],
  ));
  return rows.map((row) => ({ recordKey: row.record_key, recordRef: row.record_ref, record: trajectoryRecordSchema.parse(row.record) }));
}

const windowRow = z.object({ person: z.string(), earliest_start: z.string(), latest_end: z.string().nullable() });

/**
 * Trajectory records with a `start_date`, of any partner: the earliest start, and the latest end
 * unless one of them is still open (then null). Dates are compared as ISO strings, which order.
 */
export async function personWindows(q: SqlQueryable, persons: readonly string[]): Promise<Map<string, PersonWindow>> {
  const windows = new Map<string, PersonWindow>();
  if (persons.length === 0) return windows;
  const rows = parseRows(windowRow, await q.query(
    `SELECT person,
            min(record->'trajectory'->>'start_date') AS earliest_start,
            CASE WHEN bool_or(record->'trajectory'->>'end_date' IS NULL) THEN NULL
                 ELSE max(record->'trajectory'->>'end_date') END AS latest_end
       FROM records
      WHERE person = ANY($1::text[]) AND record_kind = 'trajectory' AND record->'trajectory'->>'start_date' IS NOT NULL
      GROUP BY person`,
    [[...persons]],
  ));
  for (const row of rows) windows.set(row.person, { earliestStart: row.earliest_start, latestEnd: row.latest_end });
  return windows;
}

const linkRow = z.object({ partners: z.coerce.number().int(), persons: z.coerce.number().int() });

/**
 * How many persons have stored records from 1, 2, 3… partners: the linkage the one pseudonym
 * gives (trajectory format §7), as counts only.
 */
export async function personsByPartnerCount(q: SqlQueryable): Promise<Map<number, number>> {
  const rows = parseRows(linkRow, await q.query(
    `SELECT partners, count(*) AS persons
       FROM (SELECT person, count(DISTINCT partner_id) AS partners FROM records WHERE person IS NOT NULL GROUP BY person) AS per_person
      GROUP BY partners ORDER BY partners`,
  ));
  return new Map(rows.map((row) => [row.partners, row.persons]));
}
