import { checkSnapshot } from '../../pipeline/apply-snapshots.js';
import type { ContractCheck } from '../contract-check.js';
import { ensure, someOf } from '../contract-failure.js';
import { kitPartnerId, type ContractSubject } from '../contract-subject.js';
import { pullAll } from '../full-pull.js';
import { withSession } from '../kit-session.js';
import { armFault } from '../sandbox-control.js';

/**
 * Two ways personal data can leave the edge that the record checks do not see:
 * - **error-text**: a partner's error body may name the client ("BSN 999 990 019 onbekend"), and
 *   a connector that copies it into its error puts it in logs and the store (a run's error
 *   message). The check answers the first request with an error whose native text holds a
 *   canary, and requires the thrown error to hold none.
 * - **snapshots** (per-person connectors): a snapshot may speak only for one service of its own
 *   partner, and must list every record of its person and service, or the store would remove a
 *   row the answer still holds.
 */
export function leakChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  const persons = subject.smallScenarioPersons;
  const checks: ContractCheck[] = [{
    id: 'error-text',
    title: "a partner's error text (which may name the client) never reaches the connector's error",
    run: () => withSession(subject, { scenario: 'default', persons, canaries: true }, async (session) => {
      const canaries = session.sandbox.canaries().filter((canary) => canary.length >= 4);
      ensure(canaries.length > 0, () => 'sandbox.canaries(): expected clear identifiers to plant in an error text, got none');
      const config = session.config();
      const stream = subject.connector.describe(config).streams.find((s) => s.role === 'data')?.name ?? '';
      const message = `Client ${canaries.slice(0, 3).join(' / ')} is onbekend`;
      await armFault(session.sandbox, { match: subject.faultMatch(stream), fault: { type: 'http-error', status: 400, message }, times: 0 });
      let thrown: unknown;
      try {
        await pullAll(session);
      } catch (error) {
        thrown = error;
      }
      ensure(thrown !== undefined, () => `error-text: expected the pull to fail on an HTTP 400 of stream ${stream}, it succeeded`);
      const text = thrown instanceof Error ? `${thrown.message} ${JSON.stringify(thrown)}` : String(thrown);
      const leaked = canaries.flatMap((canary, index) => (text.includes(canary) ? [`canary #${index + 1}`] : []));
      ensure(leaked.length === 0, () => `error-text: expected the error to hold none of the partner's text, got ${someOf(leaked)} of sandbox.canaries() in it`);
    }),
  }];
  if (subject.connector.asksPerPerson) {
    checks.push({
      id: 'snapshots',
      title: 'each per-person snapshot speaks for one service of its own partner and lists every record of its person and service',
      run: () => withSession(subject, { scenario: 'edge-cases', persons }, async (session) => {
        const outcome = await pullAll(session);
        const partnerId = subject.partnerId ?? kitPartnerId;
        ensure(outcome.snapshots.length > 0, () => 'snapshots: expected the answered persons to give snapshots, got none');
        for (const snapshot of outcome.snapshots) {
          try {
            checkSnapshot(partnerId, snapshot);
          } catch (error) {
            ensure(false, () => `snapshots: ${error instanceof Error ? error.message : 'invalid snapshot'}`);
          }
        }
        const missing: string[] = [];
        for (const { draft } of outcome.records) {
          const own = outcome.snapshots.filter((s) => s.person === draft.person && draft.source.record_key.startsWith(s.keyPrefix));
          for (const snapshot of own) if (!snapshot.recordKeys.includes(draft.source.record_key)) missing.push(draft.source.record_ref);
        }
        ensure(missing.length === 0, () => `snapshots: expected every record in its person's snapshot, got ${someOf(missing)} outside it (the store would remove them)`);
      }),
    });
  }
  return checks;
}
