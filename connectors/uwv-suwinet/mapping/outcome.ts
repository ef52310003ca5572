import { z } from 'zod';
import type { EdgeRecord, Rejection } from '../../../src/connector/connector.js';
import { draftRecordSchema, type DraftRecord } from '../../../src/trajectory/trajectory-record.js';

/**
 * What the mapping of one relation yields: records (one per part, U08), one rejection, or
 * `dropped` (pensions, entitlements outside the asked period: counted as absorbed so the run
 * balance closes). Every relation carries the record keys it stands for, quarantined ones too, so
 * the snapshot does not remove a stored row only because this version could not be read.
 */
export interface RelationOutcome {
  readonly records: readonly EdgeRecord[];
  readonly rejection?: Rejection;
  readonly dropped: boolean;
  /** How many outcomes the run balance counts for this relation (`partsOf`); 1 for entitlements. */
  readonly parts: number;
  readonly keys: readonly string[];
  /** Count keys for the run summary (`other-cdsrtikv-99`). */
  readonly counts: readonly string[];
}

export type Refusal = Omit<Rejection, 'sourceRef'>;

export function rejected(sourceRef: string, key: string, refusal: Refusal, parts = 1): RelationOutcome {
  return { records: [], rejection: { sourceRef, ...refusal, field: refusal.field.slice(0, 200), expected: refusal.expected.slice(0, 300) }, dropped: false, parts, keys: [key], counts: [] };
}

export function dropped(parts = 1): RelationOutcome {
  return { records: [], dropped: true, parts, keys: [], counts: [] };
}

/** The first zod issue as a refusal: a missing element is `required-missing`, anything else `invalid-value`. */
export function issueRefusal(error: z.ZodError, prefix: string): Refusal {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  const missing = issue?.message === 'required';
  return { stage: 'validate', reason: missing ? 'required-missing' : 'invalid-value', field: `${prefix}${path}`, expected: missing ? 'the element' : (issue?.message ?? 'a valid value') };
}

// Every draft is checked on its way out; compiled once (same results as draftRecordSchema).
const compiledDraftSchema = z.compile(draftRecordSchema);

/** Checks a draft against the trajectory format; a failure is a mapping bug, quarantined as `invalid-value`. */
export function finish(draft: DraftRecord, prefix: string): EdgeRecord | Refusal {
  const checked = compiledDraftSchema.safeParse(draft);
  if (checked.success) return { draft: checked.data };
  const issue = checked.error.issues[0];
  return { stage: 'map', reason: 'invalid-value', field: `${prefix} → draft.${(issue?.path ?? []).join('.')}`, expected: issue?.message ?? 'a valid trajectory record' };
}

export function isRefusal(value: EdgeRecord | Refusal): value is Refusal {
  return 'reason' in value;
}
