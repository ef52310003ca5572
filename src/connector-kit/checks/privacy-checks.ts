import type { Rejection } from '../../connector/connector.js';
import type { ContractCheck } from '../contract-check.js';
import { ensure, ensureSameSet, someOf } from '../contract-failure.js';
import type { ContractSubject } from '../contract-subject.js';
import { pullAll, type PullOutcome } from '../full-pull.js';
import { withSession } from '../kit-session.js';

/**
 * The edge's two promises about personal data (brief, invariants 1 and 5): a record that cannot be
 * read or mapped is quarantined with its reference, a reason from the shared list and the field,
 * never its content; and no clear identifier leaves the edge in anything it emits.
 */
export function leakedCanaries(outcome: PullOutcome, canaries: readonly string[]): string[] {
  const emitted = JSON.stringify({
    records: outcome.records, rejections: outcome.rejections, cursors: outcome.cursors, snapshots: outcome.snapshots, personCounts: outcome.personCounts,
  });
  // The canary itself is never printed: a failure names which kind of value leaked, by position.
  return canaries.flatMap((canary, index) => (canary.length > 0 && emitted.includes(canary) ? [`canary #${index + 1} (${canary.length} characters)`] : []));
}

function rejectionKey(rejection: Pick<Rejection, 'sourceRef' | 'reason'>): string {
  return `${rejection.sourceRef} ${rejection.reason}`;
}

export function privacyChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  const persons = subject.smallScenarioPersons;
  return [
    {
      id: 'edge-cases',
      title: 'every malformed record of the edge-cases scenario is quarantined with the expected reason and the field named, and nothing else is; no rejection carries a clear identifier',
      run: () => withSession(subject, { scenario: 'edge-cases', persons, canaries: true }, async (session) => {
        const outcome = await pullAll(session);
        const expected = subject.expected(session.sandbox, session.pseudonymiser).rejections;
        ensure(expected.length > 0, () => 'expected(): the edge-cases scenario must name at least one rejection (a bsn-invalid record at least)');
        ensureSameSet('rejections (source reference and reason) against the edge cases', expected.map(rejectionKey), outcome.rejections.map(rejectionKey));
        for (const rejection of outcome.rejections) {
          ensure(rejection.field.trim().length > 0, () => `rejection ${rejectionKey(rejection)}: expected the field path, got an empty field`);
          ensure(rejection.expected.trim().length > 0, () => `rejection ${rejectionKey(rejection)} field ${rejection.field}: expected a text saying what was expected, got an empty one`);
        }
        const canaries = session.sandbox.canaries();
        const leaked = leakedCanaries({ ...outcome, records: [], cursors: {}, snapshots: [], personCounts: {} }, canaries);
        ensure(leaked.length === 0, () => `rejections: expected no clear identifier, got ${someOf(leaked)} of sandbox.canaries()`);
      }),
    },
    {
      id: 'privacy',
      title: 'with canaries planted, nothing the edge emits (drafts, rejections, cursors, snapshots, person counts) holds any of them',
      run: () => withSession(subject, { scenario: 'default', persons, canaries: true }, async (session) => {
        const canaries = session.sandbox.canaries();
        ensure(canaries.length > 0, () => 'sandbox.canaries(): expected the clear identifiers served, got none (a privacy check without canaries proves nothing)');
        const outcome = await pullAll(session);
        ensure(outcome.records.length > 0, () => 'privacy: expected the canary scenario to yield records, got none');
        const leaked = leakedCanaries(outcome, canaries);
        ensure(leaked.length === 0, () => `privacy: expected no clear identifier to leave the edge, got ${someOf(leaked)} of sandbox.canaries()`);
      }),
    },
  ];
}
