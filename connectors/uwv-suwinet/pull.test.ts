import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CAST, hashBsn, P1, P2, P3, P7, P8 } from '../../src/sandbox/index.js';
import { isWerkbrugError } from '../../src/errors/werkbrug-error.js';
import { mergedCounts, pullAll, questionsFor, sandboxConfig, sandboxHttp } from './fixtures/pull-kit.js';
import { demoPseudonymiser } from './fixtures/test-kit.js';
import { relationsDelivered } from './item.js';
import { startUwvSandbox, type UwvSandbox } from './sandbox/server.js';
import { IKV, WV } from './suwiml.js';

let sandbox: UwvSandbox;
const control = () => ({ Authorization: `Bearer ${sandbox.controlToken}`, 'Content-Type': 'application/json' });
async function arm(rule: object): Promise<void> {
  const response = await fetch(`${sandbox.url}/__control/faults`, { method: 'POST', headers: control(), body: JSON.stringify(rule) });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  sandbox = await startUwvSandbox({ now: '2025-08-02T09:00:00+02:00', persons: 40 });
});
afterAll(async () => sandbox.close());
beforeEach(async () => {
  await fetch(`${sandbox.url}/__control/reset`, { method: 'POST', headers: control(), body: '{}' });
});

const cast = () => questionsFor(sandbox, CAST.map((p) => p.bsn));

describe('pull against the sandbox', () => {
  it('asks both services per person, with the period, and yields the persons in pages', async () => {
    const run = await pullAll(sandboxConfig(sandbox, { personsPerPage: 4 }), sandboxHttp(sandbox), cast());
    expect(run.pages.map((p) => [p.items.length, p.last])).toEqual([[4, false], [4, false], [1, true]]);
    const journal = sandbox.journal();
    expect(journal).toHaveLength(18);
    for (const person of CAST) {
      const asked = journal.filter((e) => e.bsnHash === hashBsn(person.bsn)).map((e) => e.operation).sort();
      expect(asked).toEqual([IKV.operation, WV.operation]);
    }
    expect(run.pages.every((p) => p.read === p.items.reduce((sum, item) => sum + relationsDelivered(item), 0))).toBe(true);
    expect(JSON.stringify(run.pages.map((p) => p.cursor))).not.toMatch(/[0-9]{9}|ps1:/);
    expect(mergedCounts(run)).toMatchObject({ asked: 9, answered: 8, 'not-found': 1 });
  });

  it('balances every page: records + rejections + absorbed = relations read', async () => {
    const run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), questionsFor(sandbox, [...CAST.map((p) => p.bsn), ...sandbox.groundTruth().persons.filter((p) => p.key.startsWith('G')).map((p) => p.bsn)]));
    run.pages.forEach((page, i) => {
      const edge = run.edges[i]!;
      expect(edge.records.length + edge.rejections.length + edge.absorbed + page.absorbed).toBe(page.read);
    });
    expect(run.edges.flatMap((e) => e.records).length).toBeGreaterThan(20);
    // Privacy: no BSN, loonheffingennummer or FiNr of anyone served leaves the edge.
    const text = JSON.stringify(run.edges);
    for (const person of sandbox.groundTruth().persons) {
      expect(text).not.toContain(person.bsn);
      for (const relation of person.relations) if (relation.service === 'ikv') expect(text).not.toContain(relation.keyParts[1]!.slice(0, 9));
    }
  });

  it('yields one empty last page without persons', async () => {
    const run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), undefined);
    expect(run.pages).toEqual([{ stream: 'persons', items: [], cursor: { lastRunDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }, last: true, read: 0, absorbed: 0 }]);
    expect(sandbox.journal()).toHaveLength(0);
  });
});

describe('faults', () => {
  it('a 500 for P8 only fails P8 and the page goes on', async () => {
    await arm({ match: { bsn: P8.bsn }, fault: { type: 'http-error', status: 500 }, times: 0 });
    const run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), cast());
    const p8 = run.pages[0]!.items.find((i) => i.bsn === P8.bsn)!;
    expect([p8.ikv.kind, p8.wv.kind]).toEqual(['failed', 'failed']);
    expect(mergedCounts(run)).toMatchObject({ asked: 9, failed: 1, answered: 7, 'not-found': 1 });
    const edge = run.edges[0]!;
    const p8Person = demoPseudonymiser.person(P8.bsn);
    expect(edge.snapshots?.some((s) => s.person === p8Person)).toBe(false);
    expect(edge.snapshots?.filter((s) => s.person === demoPseudonymiser.person(P1.bsn))).toHaveLength(2);
    // First attempt plus two retries per service.
    expect(sandbox.journal().filter((e) => e.bsnHash === hashBsn(P8.bsn))).toHaveLength(6);
  });

  it('throws WB_PARTNER_UNREACHABLE when every person of a page fails transiently', async () => {
    await arm({ match: {}, fault: { type: 'soap-fault', code: 'FWI0010' }, times: 0 });
    await expect(pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox, { retries: 1 }), cast())).rejects.toSatisfy((e: unknown) => isWerkbrugError(e) && e.code === 'WB_PARTNER_UNREACHABLE');
  });

  it('retries a transient FWI0001 Fault and gets the answer', async () => {
    await arm({ match: { bsn: P1.bsn, operation: IKV.operation }, fault: { type: 'soap-fault', code: 'FWI0001' }, times: 1 });
    const sleeps: number[] = [];
    const run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox, { sleeps }), questionsFor(sandbox, [P1.bsn]));
    expect(run.edges[0]!.records).toHaveLength(2);
    expect(sleeps).toEqual([1]);
  });

  it('stops the stream on a Fault FWI0020 (whole service not authorised)', async () => {
    await arm({ match: {}, fault: { type: 'soap-fault', code: 'FWI0020' }, times: 0 });
    await expect(pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), cast())).rejects.toSatisfy((e: unknown) => isWerkbrugError(e) && e.code === 'WB_PARTNER_AUTH');
  });

  it('stops the stream on a Fault FWI0030 as a request bug, and on a wrong token as auth', async () => {
    await arm({ match: {}, fault: { type: 'soap-fault', code: 'FWI0030' }, times: 1 });
    await expect(pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), cast())).rejects.toSatisfy((e: unknown) => isWerkbrugError(e) && e.code === 'WB_PARTNER_REQUEST_REJECTED');
    await expect(pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox, { token: 'wrong' }), cast())).rejects.toSatisfy((e: unknown) => isWerkbrugError(e) && e.code === 'WB_PARTNER_AUTH');
  });

  it('a DOCTYPE answer is refused by the parser and, retried without success, fails only that person', async () => {
    await arm({ match: { bsn: P2.bsn }, fault: { type: 'xml-doctype' }, times: 0 });
    const run = await pullAll(sandboxConfig(sandbox), sandboxHttp(sandbox), questionsFor(sandbox, [P1.bsn, P2.bsn]));
    expect(mergedCounts(run)).toMatchObject({ failed: 1, answered: 1 });
  });
});

describe('pace', () => {
  it('keeps at most `concurrency` questions in flight (journal)', async () => {
    await arm({ match: {}, fault: { type: 'delay', ms: 30 }, times: 0 });
    await pullAll(sandboxConfig(sandbox, { concurrency: 3 }), sandboxHttp(sandbox), cast());
    const spans = sandbox.journal().map((e) => [Date.parse(e.time), Date.parse(e.time) + (e.durationMs ?? 0)] as const);
    // Sampled 2 ms after each arrival: `time` has millisecond resolution.
    const most = Math.max(...spans.map(([at]) => spans.filter(([from, to]) => from <= at + 2 && at + 2 < to).length));
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThanOrEqual(2);
  });

  it('starts at most maxQuestionsPerSecond questions in any second (journal)', async () => {
    await pullAll(sandboxConfig(sandbox, { maxQuestionsPerSecond: 8 }), sandboxHttp(sandbox), questionsFor(sandbox, [P1.bsn, P2.bsn, P3.bsn, P7.bsn, P8.bsn, CAST[4]!.bsn]));
    const times = sandbox.journal().map((e) => Date.parse(e.time));
    expect(times).toHaveLength(12);
    // 950 ms: arrival times carry a few ms of network jitter on top of the client's window.
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 950).length).toBeLessThanOrEqual(8);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(900);
  });
});
