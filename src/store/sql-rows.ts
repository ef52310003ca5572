import { z } from 'zod';
import type { SqlRow } from './sql-client.js';

/**
 * Column parsers that hide the drivers' differences: `pg` returns `bigint`/`count(*)` as strings
 * and PGlite as numbers; both return `timestamptz` as a `Date`, which the store hands out as an
 * ISO-8601 UTC string.
 */
export const intColumn = z.union([
  z.number().int(),
  z.bigint().transform((value) => Number(value)),
  z.string().regex(/^-?[0-9]+$/).transform((value) => Number(value)),
]);

export const instantColumn = z.union([
  z.date().transform((value) => value.toISOString()),
  z.string().transform((value) => new Date(value).toISOString()),
]);

export const textArrayColumn = z.array(z.string());

export const jsonObjectColumn = z.record(z.string(), z.unknown());

/** Parses every row with `schema`; a mismatch is a werkbrug bug and throws zod's error. */
export function parseRows<S extends z.ZodType>(schema: S, rows: readonly SqlRow[]): z.infer<S>[] {
  return rows.map((row) => schema.parse(row));
}

export function parseFirst<S extends z.ZodType>(schema: S, rows: readonly SqlRow[]): z.infer<S> | undefined {
  const [first] = rows;
  return first === undefined ? undefined : schema.parse(first);
}
