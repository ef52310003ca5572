import type { z } from 'zod';
import type { Rejection } from '../../../src/connector/connector.js';

/**
 * A rejection before the source reference is attached: stage, reason, FHIR path and what was
 * expected, never the value (`partners/README.md` §2.7).
 */
export type Refusal = Omit<Rejection, 'sourceRef'>;

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'reason' in value && 'stage' in value && !('draft' in value);
}

/** `period.start`, `statusHistory[0].period.start`: the FHIR path style of rejections. */
export function fhirPath(path: readonly PropertyKey[], prefix = ''): string {
  const text = path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
  return `${prefix}${text}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * The first schema issue as a refusal. A missing element is `required-missing`; a value outside a
 * code list `unknown-code` (E11); a bad date `invalid-date` (E13, set by the date schemas); anything
 * else `invalid-value`. `raw` is only looked at to tell "missing" from "wrong", never copied.
 */
export function issueRejection(error: z.ZodError, raw: unknown, prefix = ''): Refusal {
  const issue = error.issues[0];
  if (!issue) return { stage: 'validate', reason: 'invalid-value', field: prefix || 'resource', expected: 'a valid resource' };
  const field = fhirPath(issue.path, prefix) || 'resource';
  const missing = issue.path.length > 0 && valueAt(raw, issue.path) === undefined;
  if (missing) {
    const expected = issue.code === 'invalid_type' ? `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}` : issue.message;
    return { stage: 'validate', reason: 'required-missing', field, expected: expected.slice(0, 300) };
  }
  const params = issue.code === 'custom' ? (issue.params as { reason?: unknown } | undefined) : undefined;
  const reason = params?.reason === 'invalid-date' ? 'invalid-date' : issue.code === 'invalid_value' ? 'unknown-code' : 'invalid-value';
  return { stage: 'validate', reason, field, expected: issue.message.slice(0, 300) };
}
