import { z } from 'zod';

/**
 * One placement as the partner delivers it, in the partner's own field names (they stay verbatim
 * here; `mapping.ts` translates them once). Fields marked IDENTIFYING hold personal data: the edge
 * pseudonymises the BSN, turns the birth date into an age band and drops the rest.
 *
 * Replace this with your partner's record. Keep it lenient about what the mapping does not read
 * (`z.looseObject`) and strict about what it does: a record that fails here is quarantined with
 * the field path, never with its value.
 */
const instant = z.string().refine((value) => /(Z|[+-][0-9]{2}:[0-9]{2})$/.test(value) && !Number.isNaN(Date.parse(value)), 'an instant with an offset');

export const placementSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'a record id (letters, digits, . and -)'),
  version: z.string().regex(/^[0-9]{1,15}$/, 'a version number'),
  updatedAt: instant,
  /** IDENTIFYING: pseudonymised at the edge. */
  bsn: z.string().max(20).optional(),
  /** IDENTIFYING: dropped. */
  name: z.string().optional(),
  /** IDENTIFYING: becomes an age band. */
  birthDate: z.string().optional(),
  /** IDENTIFYING: dropped. */
  street: z.string().optional(),
  /** Dropped (employer names are not kept, `partners/README.md` §2.6). */
  employerName: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  hoursPerWeek: z.number().min(0).max(80).optional(),
  /** Free text: dropped. */
  note: z.string().optional(),
});

export type Placement = z.infer<typeof placementSchema>;

/** What `pull()` hands to `edge()`: the record as parsed JSON, validated by the edge. */
export interface PlacementItem {
  readonly record: unknown;
}
