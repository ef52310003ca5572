import { afterEach, describe, expect, it } from 'vitest';
import type { KitSandbox } from '../../src/connector-kit/contract-subject.js';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { contractSubject } from './contract.js';
import { gemeenteEdge } from './edge.js';
import { demoPseudonymiser, edgeContext, pullAll } from './fixtures/test-kit.js';
import { entiteittypen } from './stuf-names.js';

/**
 * The contract subject checked against itself, minimally (the kit runs the full checks): a full
 * pull emits exactly `expected()`, and an incremental pull after `mutate()` exactly the mutated keys.
 */
const now = '2025-06-02T10:00:00+02:00';
let open: KitSandbox | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

function http(sandbox: KitSandbox) {
  return createPartnerHttp({ partnerId: 'gem-utrecht', allowedOrigins: [sandbox.url], token: sandbox.token, timeoutMs: 5_000, maxBodyBytes: 16 * 1024 * 1024, retries: 1, baseDelayMs: 1, maxRetryAfterSeconds: 1 });
}

async function fullPull(sandbox: KitSandbox, cursors: Record<string, Record<string, unknown> | undefined> = {}) {
  const settings = contractSubject.settings(sandbox, { pageSize: 37, tokenEnv: 'GEM_TOKEN' });
  const refs: string[] = [];
  const keys: string[] = [];
  const rejections: Array<{ sourceRef: string; reason: string }> = [];
  const next: Record<string, Record<string, unknown> | undefined> = {};
  const context = edgeContext({ partnerId: (sandbox as KitSandbox & { partnerId: string }).partnerId });
  for (const stream of entiteittypen) {
    const pages = await pullAll(settings, stream, http(sandbox), cursors[stream]);
    for (const page of pages) {
      const edge = gemeenteEdge(page, context);
      refs.push(...edge.records.map((r) => r.draft.source.record_ref));
      keys.push(...edge.records.map((r) => r.draft.source.record_key));
      rejections.push(...edge.rejections.map((r) => ({ sourceRef: r.sourceRef, reason: r.reason })));
    }
    next[stream] = { ...pages.at(-1)?.cursor };
  }
  return { refs, keys, rejections, cursors: next };
}

describe('gemeente-stuf contract subject', () => {
  it.each(['default', 'edge-cases'] as const)('%s: a full pull emits exactly the expected record refs and rejections', async (scenario) => {
    open = await contractSubject.startSandbox({ scenario, persons: 120, now });
    const expected = contractSubject.expected(open, demoPseudonymiser);
    const pulled = await fullPull(open);
    expect([...pulled.refs].sort()).toEqual([...expected.recordRefs].sort());
    expect(pulled.rejections.sort((a, b) => a.sourceRef.localeCompare(b.sourceRef))).toEqual([...expected.rejections].sort((a, b) => a.sourceRef.localeCompare(b.sourceRef)));
  });

  it('an incremental pull after mutate() returns exactly the mutated keys', async () => {
    open = await contractSubject.startSandbox({ scenario: 'default', persons: 120, now });
    const first = await fullPull(open);
    const mutated = await contractSubject.mutate(open, 7);
    expect(mutated).toHaveLength(7);
    const second = await fullPull(open, first.cursors);
    expect([...second.keys].sort()).toEqual([...mutated].sort());
    const third = await fullPull(open, second.cursors);
    expect(third.refs).toEqual([]);
  });

  it('an empty sandbox serves nothing; canaries are listed and served', async () => {
    open = await contractSubject.startSandbox({ scenario: 'default', empty: true, now });
    expect(contractSubject.expected(open, demoPseudonymiser).recordRefs).toEqual([]);
    expect((await fullPull(open)).refs).toEqual([]);
    await open.close();
    open = await contractSubject.startSandbox({ scenario: 'default', persons: 20, canaries: true, now });
    expect(open.canaries()).toEqual(expect.arrayContaining(['Canarina Vogelzang', 'Kanariestraat 17', '19770707']));
    const pulled = await fullPull(open);
    expect(pulled.refs.some((ref) => ref.includes('-C-01'))).toBe(true);
  });

  it('matches faults on the message name', () => {
    expect(contractSubject.faultMatch('RIV')).toEqual({ method: 'POST', operation: 'rivLv01' });
    expect(contractSubject.transientSoapFaultCode).toBe('StUF049');
  });
});
