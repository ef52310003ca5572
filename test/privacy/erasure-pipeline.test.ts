import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P3 } from '../../src/sandbox/index.js';
import { PipelineHarness } from '../support/pipeline-harness.js';

/**
 * P3 of the cast end to end: the ggz sandbox over HTTP, the queues on Redis, the embedded store.
 * The sandbox serves P3's consent already withdrawn, so the test first gives it back (a new active
 * version) and has the trajectory saved again; once P3's rows are stored for both purposes, the
 * partner sets the consent to inactive, and the next sync must erase them (brief, invariant 3).
 */
let harness: PipelineHarness;
let p3: string;

interface Row { readonly person: string; readonly record_kind: string; readonly purposes: string[] }

/** The partner saves Consent/cns-0003 again with another status: the next version, after every cursor. */
async function saveConsentStatus(status: 'active' | 'inactive'): Promise<void> {
  const auth = { Authorization: `Bearer ${harness.sandbox.token}`, Accept: 'application/fhir+json' };
  const read = await fetch(`${harness.sandbox.baseUrl}/Consent/cns-0003`, { headers: auth });
  const resource = (await read.json()) as Record<string, unknown>;
  const response = await fetch(`${harness.sandbox.url}/__control/records/Consent/cns-0003`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${harness.sandbox.controlToken}`, 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify({ ...resource, meta: undefined, status, dateTime: new Date(Date.parse('2025-06-02T06:00:00Z')).toISOString() }),
  });
  if (!response.ok) throw new Error(`PUT Consent/cns-0003 answered ${response.status}`);
}

const rowsOfP3 = async (): Promise<Row[]> =>
  (await harness.store.dumpTable('records')).map((line) => JSON.parse(line) as Row).filter((row) => row.person === p3);

beforeAll(async () => {
  harness = await PipelineHarness.start({ name: 'erasure-p3', scenario: 'default', persons: 12 });
  p3 = harness.runtime.pseudonymiser.person(P3.bsn);
  expect((await harness.sync()).status).toBe('succeeded');
  expect((await rowsOfP3()).filter((r) => r.record_kind !== 'consent')).toEqual([]);

  await saveConsentStatus('active');
  await harness.saveNewVersion('EpisodeOfCare', 'eoc-ips-0003');
  expect((await harness.sync()).status).toBe('succeeded');
});
afterAll(async () => harness?.close());

describe('P3 withdraws consent after the trajectory was stored', () => {
  it('stores the trajectory for both purposes while the consent is active', async () => {
    expect((await rowsOfP3()).find((r) => r.record_kind === 'trajectory')?.purposes).toEqual(['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN']);
  });

  it('erases every row of P3 for the withdrawn purposes at the next sync, logs it with counts and writes the receipts', async () => {
    await saveConsentStatus('inactive');
    const run = await harness.sync();
    expect(run.status).toBe('succeeded');

    expect((await rowsOfP3()).filter((r) => r.record_kind !== 'consent')).toEqual([]);
    const history = (await harness.store.dumpTable('record_history')).map((line) => JSON.parse(line) as Row);
    expect(history.filter((r) => r.person === p3 && r.record_kind !== 'consent')).toEqual([]);

    const erasures = (await harness.store.readConsentLog({ fromSeq: 1, limit: 100_000 })).filter((e) => e.content.kind === 'erasure');
    expect(erasures.map((e) => [e.content.person, e.content.purposes[0]?.purpose, e.content.detail?.withdrawalRule, e.content.runId])).toEqual([
      [p3, 'P_MONITOR_REGIO', 'CR07-withdrawn', run.runId],
      [p3, 'P_VERANTWOORDING_COFIN', 'CR07-withdrawn', run.runId],
    ]);
    const deleted = erasures.reduce((n, e) => n + Number(e.content.detail?.rowsDeleted ?? 0), 0);
    expect(deleted).toBeGreaterThanOrEqual(1);
    const receipts = await harness.store.listErasureReceipts({});
    expect(receipts.map((r) => [r.person, r.purpose, r.logHash, r.matchesLog])).toEqual(erasures.map((e) => [p3, e.content.purposes[0]?.purpose, e.hash, true]));
    expect(await harness.store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('erases nothing more when the next sync reads the same state again', async () => {
    await harness.sync();
    expect(await harness.store.listErasureReceipts({})).toHaveLength(2);
  });
});
