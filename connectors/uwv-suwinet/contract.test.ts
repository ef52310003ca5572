import { afterEach, describe, expect, it } from 'vitest';
import type { KitSandbox } from '../../src/connector-kit/contract-subject.js';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { uwvSuwinetConnector } from './connector.js';
import { contractSubject } from './contract.js';
import { demoPseudonymiser, edgeContext } from './fixtures/test-kit.js';

/** The contract subject, checked the way the kit uses it: a full pull equals the expectation. */
let kit: KitSandbox | undefined;
afterEach(async () => kit?.close());

async function fullPull(sandbox: KitSandbox, pageSize?: number) {
  const config = contractSubject.settings(sandbox, { tokenEnv: 'UWV_TOKEN', ...(pageSize ? { pageSize } : {}) });
  const http = createPartnerHttp({ partnerId: 'uwv', allowedOrigins: [sandbox.url], token: sandbox.token, timeoutMs: 5000, maxBodyBytes: 16 * 1024 * 1024, retries: 1, baseDelayMs: 1, maxRetryAfterSeconds: 0 });
  const context = contractSubject.pullContext?.(sandbox, demoPseudonymiser);
  const refs: string[] = [];
  const rejections: Array<{ sourceRef: string; reason: string }> = [];
  const text: string[] = [];
  for await (const page of uwvSuwinetConnector.pull(config, 'persons', undefined, http, context)) {
    const out = uwvSuwinetConnector.edge(page, edgeContext());
    refs.push(...out.records.map((r) => r.draft.source.record_ref));
    rejections.push(...out.rejections.map((r) => ({ sourceRef: r.sourceRef, reason: r.reason })));
    text.push(JSON.stringify({ out, cursor: page.cursor }));
  }
  return { refs, rejections, text: text.join('\n') };
}

describe('uwv-suwinet contract subject', () => {
  it('default scenario: a full pull emits exactly the expected record refs', async () => {
    kit = await contractSubject.startSandbox({ scenario: 'default', now: '2025-08-02T09:00:00+02:00' });
    const expected = contractSubject.expected(kit, demoPseudonymiser);
    const pulled = await fullPull(kit, 7);
    expect(pulled.refs.sort()).toEqual([...expected.recordRefs].sort());
    expect(pulled.rejections).toEqual([]);
    expect(expected.recordRefs.length).toBeGreaterThan(15);
  });

  it('edge cases: records and rejections match, and canaries never leave the edge', async () => {
    kit = await contractSubject.startSandbox({ scenario: 'edge-cases', canaries: true, now: '2025-08-02T09:00:00+02:00' });
    const expected = contractSubject.expected(kit, demoPseudonymiser);
    const pulled = await fullPull(kit);
    expect(pulled.refs.sort()).toEqual([...expected.recordRefs].sort());
    expect(pulled.rejections.sort((a, b) => a.sourceRef.localeCompare(b.sourceRef))).toEqual([...expected.rejections].sort((a, b) => a.sourceRef.localeCompare(b.sourceRef)));
    for (const canary of kit.canaries()) expect(pulled.text).not.toContain(canary);
  });

  it('mutate changes the served relation: the same key comes back with other content', async () => {
    kit = await contractSubject.startSandbox({ scenario: 'default', now: '2025-08-02T09:00:00+02:00' });
    contractSubject.expected(kit, demoPseudonymiser);
    const changed = await contractSubject.mutate(kit, 2);
    expect(changed).toHaveLength(2);
    const config = contractSubject.settings(kit, { tokenEnv: 'UWV_TOKEN' });
    const http = createPartnerHttp({ partnerId: 'uwv', allowedOrigins: [kit.url], token: kit.token, timeoutMs: 5000, maxBodyBytes: 1 << 24, retries: 0, baseDelayMs: 1, maxRetryAfterSeconds: 0 });
    const drafts = [];
    for await (const page of uwvSuwinetConnector.pull(config, 'persons', undefined, http, contractSubject.pullContext?.(kit, demoPseudonymiser))) drafts.push(...uwvSuwinetConnector.edge(page, edgeContext()).records.map((r) => r.draft));
    for (const key of changed) expect(drafts.find((d) => d.source.record_key === key)?.employment?.end_date).toBe('2025-07-31');
  });
});
