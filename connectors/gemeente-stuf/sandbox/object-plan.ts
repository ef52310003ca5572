import type { QuarantineReason } from '../../../src/trajectory/codes.js';
import type { MutationSpec } from './mutation-log.js';
import { objectNode, type ObjectKey, type ObjectState, type StufClient } from './objects.js';
import type { XNode } from './xml-node.js';

/**
 * An object's history before it gets numbers: its key, its client and its mutations in time
 * order. The caseload sorts the mutations of all plans by time and numbers them.
 */
export interface PlannedMutation {
  readonly soort: 'T' | 'W' | 'V';
  readonly atMs: number;
  /** The full state after a T or W; none for a V. */
  readonly state?: ObjectState;
  /** Reworks the built object (edge cases that break a rule the builders keep). */
  readonly patch?: (object: XNode) => XNode;
  /** G19: hidden until the mutation numbered right after it has been served. */
  readonly holdUntilNext?: boolean;
  /** What the connector must make of this mutation (edge cases); default a record, or a tombstone for a V. */
  readonly expect?: MutationExpectation;
}

export interface MutationExpectation {
  readonly outcome: 'record' | 'tombstone' | 'rejection';
  readonly reason?: QuarantineReason;
  /** G19: not in a first full pull; the next pull's overlap picks it up. */
  readonly late?: boolean;
}

export interface ObjectPlan {
  readonly key: ObjectKey;
  readonly client?: StufClient;
  readonly mutations: readonly PlannedMutation[];
  /** `P1`, `G000012`, `C01`, `E01`. */
  readonly person: string;
  readonly edgeCase?: string;
}

export function mutationSpecs(plan: ObjectPlan): MutationSpec[] {
  return plan.mutations.map((planned) => {
    const state = planned.state;
    return {
      key: plan.key,
      soort: planned.soort,
      atMs: planned.atMs,
      ...(state?.type === 'RIV' && planned.soort !== 'V' ? { indicatieIps: state.riv.indicatieIps } : {}),
      ...(planned.holdUntilNext ? { holdUntilNext: true } : {}),
      ...(planned.expect ? { expect: planned.expect } : {}),
      ...(plan.edgeCase ? { edgeCase: plan.edgeCase } : {}),
      person: plan.person,
      build: (n: number, tijdstip: string) => {
        const node = objectNode(plan.key, { n, soort: planned.soort }, state, plan.client, tijdstip);
        return planned.patch ? planned.patch(node) : node;
      },
    };
  });
}
