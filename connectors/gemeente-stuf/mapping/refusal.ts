import type { Rejection } from '../../../src/connector/connector.js';

/**
 * A rejection before the source reference is attached: stage, reason, the StUF element path and
 * what was expected, never the value (`partners/README.md` §2.7).
 */
export type Refusal = Omit<Rejection, 'sourceRef'>;

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'reason' in value && 'stage' in value && !('draft' in value);
}

export function refuse(reason: Refusal['reason'], field: string, expected: string, stage: Refusal['stage'] = 'validate'): Refusal {
  return { stage, reason, field, expected };
}
