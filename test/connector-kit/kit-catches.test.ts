import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractSubject } from '../../connectors/ggz-fhir/contract.js';
import type { GgzFhirConfig } from '../../connectors/ggz-fhir/config-schema.js';
import { ggzFhirConfigSchema } from '../../connectors/ggz-fhir/config-schema.js';
import type { Connector, EdgeOutput } from '../../src/connector/connector.js';
import { contractChecks } from '../../src/connector-kit/contract-checks.js';
import { ContractFailure } from '../../src/connector-kit/contract-failure.js';
import type { ContractSubject } from '../../src/connector-kit/contract-subject.js';
import { exactPageSize, oneOverPageSize } from '../../src/connector-kit/checks/paging-checks.js';
import { runContract } from '../../src/connector-kit/run-contract.js';

/**
 * The kit must catch the faults it exists for: each case breaks the (passing) ggz subject in one
 * way and expects exactly the check that guards against it to fail with a ContractFailure.
 */
type GgzConnector = ContractSubject<GgzFhirConfig>['connector'];
const original = contractSubject.connector;

function broken(change: Partial<GgzConnector>, subject: Partial<ContractSubject<GgzFhirConfig>> = {}): ContractSubject<GgzFhirConfig> {
  return { ...contractSubject, ...subject, connector: { ...original, ...change } as GgzConnector };
}

function edgeWith(change: (output: EdgeOutput, items: readonly unknown[]) => EdgeOutput): Pick<Connector<GgzFhirConfig, unknown>, 'edge'> {
  return { edge: (page, context) => change(original.edge(page, context), page.items) };
}

async function failureOf(subject: ContractSubject<GgzFhirConfig>, id: string): Promise<string> {
  const check = contractChecks(subject).find((candidate) => candidate.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const error: unknown = await check.run().then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(ContractFailure);
  return (error as ContractFailure).message;
}

describe('the contract kit fails a connector that', () => {
  it('drops a record at the edge (full pull and page balance)', async () => {
    const dropping = broken(edgeWith((output) => ({ ...output, records: output.records.slice(1) })));
    expect(await failureOf(dropping, 'full-pull')).toMatch(/^full pull record_refs against the ground truth: expected \d+, got \d+; missing \d+/);
    expect(await failureOf(dropping, 'page-balance')).toMatch(/expected read \(\d+\) = drafts/);
  });

  it('emits a record twice', async () => {
    const doubling = broken(edgeWith((output) => ({ ...output, records: [...output.records, ...output.records.slice(0, 1)] })));
    expect(await failureOf(doubling, 'full-pull')).toMatch(/expected each record_ref once, got \d+ twice/);
  });

  it('lets raw partner content out of the edge (a canary)', async () => {
    const leaking = broken(edgeWith((output, items) => ({ ...output, personCounts: { [JSON.stringify(items[0] ?? null).slice(0, 4_000)]: 1 } })));
    const message = await failureOf(leaking, 'privacy');
    expect(message).toMatch(/expected no clear identifier to leave the edge, got canary #\d+/);
    // The failure names the canary by position, never by value.
    expect(message).not.toMatch(/999990019|Sanne/);
  });

  it('ignores its cursor on an incremental pull', async () => {
    const forgetful = broken({ pull: (config, stream, _from, http, context) => original.pull(config, stream, undefined, http, context) });
    expect(await failureOf(forgetful, 'incremental')).toMatch(/expected only new versions, got \d+ unchanged versions emitted again/);
  });

  it('declares bounded but ignores until', async () => {
    const unbounded = broken({ pull: (config, stream, from, http, context) => original.pull(config, stream, from, http, context?.persons ? { persons: context.persons } : {}) });
    expect(await failureOf(unbounded, 'bounded-pull')).toMatch(/^stream \w+ bounded at the cursor after page 1 of \d+: expected \d+, got \d+; unexpected \d+/);
  });

  it('has a windowCursor that does not stand for its instant', async () => {
    const early = broken({ windowCursor: () => ({ recent: [] }) });
    expect(await failureOf(early, 'bounded-pull')).toMatch(/^the window up to \S+: expected everything modified up to it, missing \d+/);
    const late = broken({ windowCursor: (config, stream, at) => original.windowCursor?.(config, stream, new Date(Date.parse(at) + 86_400_000).toISOString()) ?? {} });
    expect(await failureOf(late, 'bounded-pull')).toMatch(/^the window up to \S+: expected nothing modified after it, got \d+/);
  });

  it('accepts unknown settings', async () => {
    const loose = broken({ configSchema: z.looseObject(ggzFhirConfigSchema.shape) as unknown as GgzConnector['configSchema'] });
    expect(await failureOf(loose, 'describe')).toMatch(/expected it to refuse an unknown key/);
  });

  it('says ok whatever the credential', async () => {
    const credulous = broken({ check: async () => ({ ok: true, detail: 'always' }) });
    expect(await failureOf(credulous, 'check-credentials')).toMatch(/wrong token: expected WB_PARTNER_AUTH, got ok/);
  });

  it('quarantines less than its edge cases say', async () => {
    const claiming = broken({}, {
      expected: (sandbox, pseudonymiser) => {
        const real = contractSubject.expected(sandbox, pseudonymiser);
        return { ...real, rejections: [...real.rejections, { sourceRef: 'kit-partner:EpisodeOfCare/not-there/_history/1', reason: 'invalid-date' }] };
      },
    });
    expect(await failureOf(claiming, 'edge-cases')).toMatch(/missing 1 \(kit-partner:EpisodeOfCare\/not-there\/_history\/1 invalid-date\)/);
  });

  it('names a fault match no request meets (a fault check cannot pass by hitting nothing)', async () => {
    const missing = broken({}, { faultMatch: () => ({ path: '/nowhere' }) });
    expect(await failureOf(missing, 'fault-http-500')).toMatch(/expected the fault to hit the second matching request once, got it fired 0 times/);
  });
});

describe('page sizes of the paging check', () => {
  it.each([[24, 12, 23], [12, 6, 11], [10, 5, 3], [7, 1, 3], [43, 1, 21], [3, 1, 2]])('for %i records: %i fills the last page, %i leaves one on it', (n, exact, oneOver) => {
    expect(exactPageSize(n)).toBe(exact);
    expect(n % exactPageSize(n)).toBe(0);
    expect(oneOverPageSize(n)).toBe(oneOver);
    expect(n % oneOverPageSize(n)).toBe(1);
  });
});

describe('runContract', () => {
  const checks = [
    { id: 'passes', title: 'passes', run: async () => undefined },
    { id: 'fails', title: 'fails', run: async () => Promise.reject(new ContractFailure('expected 1, got 2')) },
    { id: 'crashes', title: 'crashes', run: async () => Promise.reject(new TypeError('boom')) },
  ];

  it('runs every check, reports each result and goes on after a failure', async () => {
    const seen: string[] = [];
    const report = await runContract(contractSubject, { checks, onResult: (result) => seen.push(result.id) });
    expect(seen).toEqual(['passes', 'fails', 'crashes']);
    expect(report.ok).toBe(false);
    expect(report.results.map((result) => [result.id, result.ok, result.failure])).toEqual([
      ['passes', true, undefined], ['fails', false, 'expected 1, got 2'], ['crashes', false, 'crashed: TypeError: boom'],
    ]);
  });

  it('runs only the checks asked for, and refuses an unknown id', async () => {
    expect((await runContract(contractSubject, { checks, only: ['passes'] })).results.map((result) => result.id)).toEqual(['passes']);
    await expect(runContract(contractSubject, { checks, only: ['nope'] })).rejects.toThrow(/no contract check nope; the checks are passes, fails, crashes/);
  });
});
