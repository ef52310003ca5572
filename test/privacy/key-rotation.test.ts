import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GgzGroundTruth } from '../../connectors/ggz-fhir/sandbox/ground-truth.js';
import { bindPartner, partnerHttp, type Runtime } from '../../src/pipeline/runtime.js';
import { rotationStatus, type RotationStatus } from '../../src/privacy/key-rotation-status.js';
import { sweepRotation, type SweepResult } from '../../src/privacy/key-rotation-sweep.js';
import { P1, P2 } from '../../src/sandbox/index.js';
import { normaliseBsn } from '../../src/stages/bsn.js';
import { Pseudonymiser, type PseudonymKey } from '../../src/stages/pseudonymise.js';
import type { ConsentLogEntry, SyncRun } from '../../src/store/store.js';
import { harnessKey, partnerId, PipelineHarness } from '../support/pipeline-harness.js';

/**
 * Key rotation end to end (`docs/privacy/key-rotation.md`), on the real pipeline: the ggz sandbox
 * over HTTP, real queues and workers, the real store. Sync under key A; rotate to key B with A as
 * previous; the partner saves P1's trajectory again, so the window's sync re-delivers P1 and the
 * store relinks all of P1; P2 is not re-delivered (a straggler) until `rotation sweep`.
 */
const keyB: PseudonymKey = { keyId: 'rotation-test-b', key: Buffer.alloc(32, 0xb2) };
const underA = new Pseudonymiser(harnessKey);
const underB = new Pseudonymiser(keyB);
const psA = (bsn: string): string => underA.person(bsn);
const psB = (bsn: string): string => underB.person(bsn);

/** Every row of every table as JSON text, by table. */
async function dump(harness: PipelineHarness): Promise<Map<string, readonly string[]>> {
  const tables = new Map<string, readonly string[]>();
  for (const table of await harness.store.listTables()) tables.set(table, await harness.store.dumpTable(table));
  return tables;
}

function tablesHolding(tables: ReadonlyMap<string, readonly string[]>, needle: string): string[] {
  return [...tables].filter(([, rows]) => rows.some((row) => row.includes(needle))).map(([table]) => table).sort();
}

async function consentLog(harness: PipelineHarness): Promise<ConsentLogEntry[]> {
  const entries: ConsentLogEntry[] = [];
  for (;;) {
    const page = await harness.store.readConsentLog({ fromSeq: entries.length + 1, limit: 1000 });
    entries.push(...page);
    if (page.length < 1000) return entries;
  }
}

/** The runtime with only the harness's partner (the other configured partners have no sandbox here). */
function ggzOnly(runtime: Runtime): Runtime {
  return { ...runtime, config: { ...runtime.config, partners: runtime.config.partners.filter((p) => p.id === partnerId) } };
}

describe('key rotation from key A to key B', () => {
  let harness: PipelineHarness;
  let truth: GgzGroundTruth;
  let before: Map<string, readonly string[]>;
  let personsBefore: number;
  let windowRun: SyncRun;
  let afterWindow: Map<string, readonly string[]>;
  let statusInWindow: RotationStatus;
  let sweep: SweepResult;
  let statusAfterSweep: RotationStatus;
  let afterSweep: Map<string, readonly string[]>;
  let followed: Set<string>;

  beforeAll(async () => {
    harness = await PipelineHarness.start({ name: 'key-rotation', scenario: 'default', persons: 30, pageSize: 50, logLevel: 'debug' });
    const first = await harness.sync();
    expect(first.status).toBe('succeeded');
    truth = (await harness.control('GET', 'ground-truth')) as GgzGroundTruth;
    before = await dump(harness);
    personsBefore = (await harness.store.personsByKeyId()).reduce((n, c) => n + c.persons, 0);

    // The rotation window opens: B is the current key, A the previous one.
    await harness.useKeys(keyB, harnessKey);
    const p1 = truth.persons.find((p) => p.castId === 'P1');
    if (p1?.episodeId === undefined) throw new Error('P1 has no EpisodeOfCare in the sandbox');
    await harness.saveNewVersion('EpisodeOfCare', p1.episodeId);
    windowRun = await harness.sync();
    afterWindow = await dump(harness);
    statusInWindow = await rotationStatus(harness.store, keyB.keyId, harnessKey.keyId);

    const runtime = ggzOnly(harness.runtime);
    sweep = await sweepRotation(runtime, runtime.logger);
    statusAfterSweep = await rotationStatus(harness.store, keyB.keyId, harnessKey.keyId);
    afterSweep = await dump(harness);

    // Who the partner follows, to check the sweep left exactly the others behind.
    const binding = bindPartner(runtime, partnerId);
    followed = new Set();
    if (binding.connector.worklist) {
      for await (const entry of binding.connector.worklist(binding.settings, partnerHttp(runtime, binding, runtime.logger))) {
        const bsn = normaliseBsn(entry.bsn);
        if (bsn.ok) followed.add(bsn.bsn);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('stores P1 and P2 under key A before the rotation', () => {
    expect(tablesHolding(before, psA(P1.bsn))).toEqual(expect.arrayContaining(['consent_log', 'consent_state', 'records']));
    expect(tablesHolding(before, psA(P2.bsn))).toContain('records');
    expect(personsBefore).toBeGreaterThan(5);
  });

  it('relinks every stored row of P1, re-delivered in the window, to its key B pseudonym', async () => {
    expect(windowRun.status).toBe('succeeded');
    // The old pseudonym survives only in the append-only consent log (old entries and the bridge).
    expect(tablesHolding(afterWindow, psA(P1.bsn))).toEqual(['consent_log']);
    expect(tablesHolding(afterWindow, psB(P1.bsn))).toEqual(expect.arrayContaining(['consent_log', 'consent_state', 'record_history', 'records']));
    const stored = (afterWindow.get('records') ?? []).map((row) => JSON.parse(row) as { person: string | null; record: { person?: string }; content_hash: string; record_key: string });
    const p1Rows = stored.filter((row) => row.person === psB(P1.bsn));
    expect(p1Rows.length).toBeGreaterThanOrEqual(3);
    for (const row of p1Rows) expect(row.record.person).toBe(psB(P1.bsn));
    // The store still verifies its chain: relinking never touches old log entries.
    expect((await harness.store.verifyConsentLog()).ok).toBe(true);
  });

  it('writes one relink entry for P1 naming its old pseudonym and what moved, and no BSN', async () => {
    const relinks = (await consentLog(harness)).filter((e) => e.content.kind === 'relink' && e.content.person === psB(P1.bsn));
    expect(relinks).toHaveLength(1);
    const [entry] = relinks;
    expect(entry?.content.detail?.previous).toBe(psA(P1.bsn));
    // Written by the window's sync, inside the ingest of P1's page, not by the later sweep.
    expect(entry?.content.runId).toBe(windowRun.runId);
    expect(entry?.content.batchId).not.toBeNull();
    expect(entry?.content.detail?.records).toBeGreaterThanOrEqual(3);
    expect(entry?.content.detail?.consentDocuments).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(entry)).not.toContain(P1.bsn);
  });

  it('keeps no person_previous in any row', () => {
    for (const tables of [afterWindow, afterSweep]) expect(tablesHolding(tables, 'person_previous')).toEqual([]);
  });

  it('stores the re-delivered records of P1 as one new version, with no version conflict', () => {
    const quarantine = (afterWindow.get('quarantine') ?? []).filter((row) => row.includes('version-conflict'));
    expect(quarantine).toEqual((before.get('quarantine') ?? []).filter((row) => row.includes('version-conflict')));
  });

  it('leaves P2, not re-delivered in the window, under key A until the sweep', () => {
    expect(tablesHolding(afterWindow, psA(P2.bsn))).toEqual(expect.arrayContaining(['records']));
    expect(tablesHolding(afterWindow, psB(P2.bsn))).toEqual([]);
    expect(statusInWindow.underPrevious).toBeGreaterThan(0);
    expect(statusInWindow.underPrevious + (statusInWindow.keyIds.find((k) => k.role === 'current')?.persons ?? 0)).toBe(personsBefore);
  });

  it('relinks P2 with rotation sweep, with its relink entry', async () => {
    expect(sweep.failedSources).toEqual([]);
    expect(sweep.relinked).toBeGreaterThan(0);
    expect(tablesHolding(afterSweep, psA(P2.bsn))).toEqual(['consent_log']);
    expect(tablesHolding(afterSweep, psB(P2.bsn))).toEqual(expect.arrayContaining(['consent_state', 'records']));
    const relinks = (await consentLog(harness)).filter((e) => e.content.kind === 'relink' && e.content.person === psB(P2.bsn));
    expect(relinks.map((e) => e.content.detail?.previous)).toEqual([psA(P2.bsn)]);
  });

  it('counts right: nobody lost, and under key A only the persons no partner follows', () => {
    const current = statusAfterSweep.keyIds.find((k) => k.role === 'current')?.persons ?? 0;
    expect(current + statusAfterSweep.underPrevious).toBe(personsBefore);
    expect(statusAfterSweep.underPrevious).toBe(sweep.remainingUnderPrevious);
    expect(statusAfterSweep.underOther).toBe(0);
    const storedUnderA = new Set((afterSweep.get('records') ?? []).map((row) => (JSON.parse(row) as { person: string | null }).person).filter((p): p is string => p?.startsWith(`ps1:${harnessKey.keyId}:`) === true));
    const followedUnderA = [...followed].map(psA);
    expect(followedUnderA.filter((p) => storedUnderA.has(p))).toEqual([]);
    expect(sweep.followed).toBe(followed.size);
  });

  it('runs a second sweep as a no-op', async () => {
    const again = await sweepRotation(ggzOnly(harness.runtime), harness.runtime.logger);
    expect(again.relinked).toBe(0);
    expect(again.remainingUnderPrevious).toBe(sweep.remainingUnderPrevious);
  });

  it('writes no BSN of any person to any table or log line', () => {
    const bsns = truth.persons.map((p) => p.bsn);
    expect(bsns.length).toBeGreaterThan(5);
    const hits: string[] = [];
    for (const [table, rows] of afterSweep) for (const row of rows) for (const bsn of bsns) if (row.includes(bsn)) hits.push(`${table}: ${bsn.slice(0, 2)}…`);
    for (const line of harness.logs.lines) for (const bsn of bsns) if (line.includes(bsn)) hits.push(`log: ${bsn.slice(0, 2)}…`);
    expect(hits).toEqual([]);
    expect(harness.logs.lines.length).toBeGreaterThan(0);
  });
});
