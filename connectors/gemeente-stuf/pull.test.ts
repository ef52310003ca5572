import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { werkbrugFailure as failure } from '../../test/support/werkbrug-failure.js';
import { gemeenteStufConnector } from './connector.js';
import { gemeenteEdge } from './edge.js';
import { configFor, edgeContext, httpFor, pullAll } from './fixtures/test-kit.js';
import { startGemeenteSandbox, type GemeenteSandbox } from './sandbox/server.js';
import type { Entiteittype } from './stuf-names.js';
import { gemeenteWorklist } from './worklist.js';

/**
 * Pulls against the real gemeente sandbox on loopback (spec §2–3, §6–8): paging, the cursor and
 * its overlap, G09, G19, every fault class, G15 and G17 on the wire, and the worklist question.
 */
const now = '2025-06-02T10:00:00+02:00';

async function arm(sandbox: GemeenteSandbox, rule: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/__control/faults`, { method: 'POST', headers: { Authorization: 'Bearer control', 'Content-Type': 'application/json' }, body: JSON.stringify(rule) });
  expect(response.status).toBe(201);
}

function numbers(pages: Awaited<ReturnType<typeof pullAll>>): number[] {
  return pages.flatMap((page) => gemeenteEdge(page, edgeContext()).records.map((r) => Number(r.draft.source.version)));
}

describe('pullGemeente against the sandbox (edge-cases)', () => {
  let sandbox: GemeenteSandbox;
  beforeAll(async () => {
    sandbox = await startGemeenteSandbox({ scenario: 'edge-cases', now });
  });
  afterAll(() => sandbox.close());
  afterEach(async () => {
    await fetch(`${sandbox.url}/__control/reset`, { method: 'POST', headers: { Authorization: 'Bearer control' } });
  });

  const truthNumbers = (type: Entiteittype, visibleOnly = true) =>
    sandbox.groundTruth().objects.filter((o) => o.entiteittype === type).flatMap((o) => o.mutations.filter((m) => !visibleOnly || m.visible).map((m) => m.n)).sort((a, b) => a - b);

  it('pages with follow-ups until indicatorVervolgvraag is false, every number once, in order', async () => {
    const expected = truthNumbers('RIV');
    const pages = await pullAll(configFor(sandbox.url, { pageSize: 50 }), 'RIV', httpFor(sandbox.url));
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.map((p) => p.last)).toEqual([...pages.slice(1).map(() => false), true]);
    const emitted = pages.flatMap((p) => p.items.map((i) => Number(i.object.children.find((c) => c.local === 'mutatievolgnummer')?.text)));
    expect(emitted).toEqual(expected);
    // G09: the object served on two pages is absorbed the second time.
    expect(pages.reduce((sum, p) => sum + p.absorbed, 0)).toBe(1);
    expect(pages.reduce((sum, p) => sum + p.read, 0)).toBe(expected.length + 1);
    const journal = sandbox.journal().filter((e) => e.operation === 'rivLv01');
    expect(journal).toHaveLength(pages.length);
  });

  it('moves the cursor only forward and keeps the overlap window in recent', async () => {
    const pages = await pullAll(configFor(sandbox.url, { pageSize: 40 }), 'PWU', httpFor(sandbox.url));
    const cursors = pages.map((p) => p.cursor as { mutatievolgnummer: number; recent: number[] });
    for (let i = 1; i < cursors.length; i += 1) expect(cursors[i]?.mutatievolgnummer).toBeGreaterThanOrEqual(cursors[i - 1]?.mutatievolgnummer ?? 0);
    const last = cursors.at(-1);
    expect(last?.mutatievolgnummer).toBe(truthNumbers('PWU').at(-1));
    expect(last?.recent.every((n) => n >= (last.mutatievolgnummer - 49))).toBe(true);
    // G15: PWU answers use PW as the default namespace; every object was read.
    expect(pages.reduce((sum, p) => sum + p.items.length, 0)).toBe(truthNumbers('PWU').length);
  });

  it('G19: a mutation made visible after a higher one was served is picked up once, by the next pull\'s overlap', async () => {
    const config = configFor(sandbox.url);
    const first = await pullAll(config, 'RIV', httpFor(sandbox.url));
    const late = sandbox.groundTruth().objects.find((o) => o.identificatie === '0344-RV-EDGE-G19A')?.mutations[0];
    expect(late?.n).toBeDefined();
    expect(numbers(first)).not.toContain(late?.n);
    const second = await pullAll(config, 'RIV', httpFor(sandbox.url), first.at(-1)?.cursor);
    expect(numbers(second)).toEqual([late?.n]);
    // Everything else in the overlap window is absorbed (G09's page cut makes it two pages).
    expect(second.reduce((sum, p) => sum + p.read - p.absorbed, 0)).toBe(1);
    const third = await pullAll(config, 'RIV', httpFor(sandbox.url), second.at(-1)?.cursor);
    expect(numbers(third)).toEqual([]);
    // The questions asked vanaf = cursor − 49.
    const cursor = first.at(-1)?.cursor as { mutatievolgnummer: number };
    expect(cursor.mutatievolgnummer).toBeGreaterThan(late?.n ?? Infinity);
  });

  it('G17: reads the ISO-8859-1 LKS answers', async () => {
    const pages = await pullAll(configFor(sandbox.url), 'LKS', httpFor(sandbox.url));
    expect(pages.reduce((sum, p) => sum + p.items.length, 0)).toBe(truthNumbers('LKS').length);
  });

  it('returns to a SOAP Fault StUF049 (HTTP 500) with a retry, and the stream completes', async () => {
    await arm(sandbox, { match: { operation: 'rivLv01' }, fault: { type: 'soap-fault', code: 'StUF049' }, skip: 1, times: 1 });
    const sleeps: number[] = [];
    const pages = await pullAll(configFor(sandbox.url, { pageSize: 100 }), 'RIV', httpFor(sandbox.url, 'sandbox', { sleeps }));
    expect(pages.at(-1)?.last).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it('treats a Fault in HTTP 200 as a Fault: StUF058 is transient and names the code', async () => {
    await arm(sandbox, { match: { operation: 'pwuLv01' }, fault: { type: 'soap-fault', code: 'StUF058', httpStatus: 200 }, times: 0 });
    const error = await failure(pullAll(configFor(sandbox.url), 'PWU', httpFor(sandbox.url, 'sandbox', { retries: 1 })));
    expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
    expect(error.message).toContain('Fo02 StUF058');
    expect(error.message).toContain('answered 200');
  });

  it.each([
    ['StUF010', 'WB_PARTNER_AUTH'],
    ['StUF013', 'WB_PARTNER_AUTH'],
    ['StUF052', 'WB_PARTNER_AUTH'],
    ['StUF055', 'WB_PARTNER_REQUEST_REJECTED'],
    ['StUF079', 'WB_PARTNER_REQUEST_REJECTED'],
    ['StUF097', 'WB_PARTNER_REQUEST_REJECTED'],
    ['StUF103', 'WB_PARTNER_REQUEST_REJECTED'],
    ['StUF133', 'WB_PARTNER_REQUEST_REJECTED'],
    ['StUF960', 'WB_PARTNER_UNREACHABLE'],
  ])('Fo02 %s → %s, with the code in the error and never the suite\'s own text', async (code, expected) => {
    await arm(sandbox, { match: { operation: 'lksLv01' }, fault: { type: 'soap-fault', code, omschrijving: 'BSN 999 990 019 (S. de Vries) onbekend' }, times: 0 });
    const error = await failure(pullAll(configFor(sandbox.url), 'LKS', httpFor(sandbox.url, 'sandbox', { retries: 1 })));
    expect(error.code).toBe(expected);
    expect(error.message).toContain(`Fo02 ${code}`);
    // A suite may name the client in its fault text; errors reach logs and the store.
    expect(error.message).not.toMatch(/999 990 019|de Vries|onbekend/);
    expect(error.retryable).toBe(expected === 'WB_PARTNER_UNREACHABLE');
  });

  it('a wrong token is WB_PARTNER_AUTH at once (401 with a gateway Fault)', async () => {
    const error = await failure(pullAll(configFor(sandbox.url), 'RIV', httpFor(sandbox.url, 'wrong')));
    expect(error.code).toBe('WB_PARTNER_AUTH');
    expect(sandbox.journal().filter((e) => e.status === 401)).toHaveLength(1);
  });

  it.each([
    [{ type: 'http-error', status: 503 }],
    [{ type: 'http-error', status: 502, body: 'html' }],
    [{ type: 'malformed' }],
    [{ type: 'truncate', bytes: 200 }],
    [{ type: 'xml-doctype' }],
    [{ type: 'wrong-content-type', contentType: 'text/html; charset=utf-8' }],
    [{ type: 'reset' }],
  ])('retries %j on page 2 and completes with every number once', async (fault) => {
    const expected = truthNumbers('RIV');
    await arm(sandbox, { match: { operation: 'rivLv01' }, fault, skip: 1, times: 1 });
    const pages = await pullAll(configFor(sandbox.url, { pageSize: 100 }), 'RIV', httpFor(sandbox.url));
    expect(numbers(pages).length + pages.reduce((s, p) => s + gemeenteEdge(p, edgeContext()).rejections.length, 0)).toBe(expected.length);
    expect(sandbox.journal().some((e) => e.fault?.type === fault.type)).toBe(true);
  });

  it('stuf-empty-vervolg once: asks the same follow-up again and completes', async () => {
    await arm(sandbox, { match: { operation: 'rivLv01' }, fault: { type: 'stuf-empty-vervolg' }, skip: 1, times: 1 });
    const pages = await pullAll(configFor(sandbox.url), 'RIV', httpFor(sandbox.url));
    expect(pages.at(-1)?.last).toBe(true);
    expect(numbers(pages).length).toBeGreaterThan(300);
  });

  it('stuf-empty-vervolg for good: fails the stream after one retry instead of looping', async () => {
    await arm(sandbox, { match: { operation: 'rivLv01' }, fault: { type: 'stuf-empty-vervolg' }, skip: 1, times: 0 });
    const error = await failure(pullAll(configFor(sandbox.url), 'RIV', httpFor(sandbox.url)));
    expect(error.code).toBe('WB_PARTNER_RESPONSE_INVALID');
    expect(sandbox.journal().filter((e) => e.operation === 'rivLv01')).toHaveLength(3);
  });

  it('a page sent twice (repeat-page) is absorbed and the stream goes on', async () => {
    await arm(sandbox, { match: { operation: 'rivLv01' }, fault: { type: 'repeat-page' }, skip: 1, times: 1 });
    const pages = await pullAll(configFor(sandbox.url), 'RIV', httpFor(sandbox.url));
    const emitted = numbers(pages);
    expect(new Set(emitted).size).toBe(emitted.length);
  });
});

describe('check() and worklist() against the sandbox', () => {
  let sandbox: GemeenteSandbox;
  beforeAll(async () => {
    sandbox = await startGemeenteSandbox({ now });
  });
  afterAll(() => sandbox.close());

  it('check passes with the right settings and names the failure class otherwise', async () => {
    expect(await gemeenteStufConnector.check(configFor(sandbox.url), httpFor(sandbox.url))).toMatchObject({ ok: true });
    expect(await gemeenteStufConnector.check(configFor(sandbox.url), httpFor(sandbox.url, 'wrong'))).toMatchObject({ ok: false, code: 'WB_PARTNER_AUTH' });
    const wrongOntvanger = await gemeenteStufConnector.check(configFor(sandbox.url, { ontvanger: { organisatie: 'WIL' } }), httpFor(sandbox.url));
    expect(wrongOntvanger).toMatchObject({ ok: false, code: 'WB_PARTNER_AUTH' });
    expect(wrongOntvanger.detail).toContain('StUF010');
  });

  it('the worklist asks a state question with a listed scope and yields each IPS client once per live provision', async () => {
    const truth = sandbox.groundTruth().objects.filter((o) => o.entiteittype === 'RIV' && !o.removed);
    const entries: string[] = [];
    for await (const entry of gemeenteWorklist(configFor(sandbox.url), httpFor(sandbox.url))) entries.push(entry.bsn);
    expect(entries.length).toBeGreaterThan(50);
    expect(entries.length).toBeLessThanOrEqual(truth.length);
    expect(entries).toContain('999990019');
    expect(entries).toContain('10000021');
    // P5's provision was removed: not in a state answer.
    expect(entries).not.toContain('999990068');
  });
});
