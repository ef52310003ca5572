import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBalance } from '../../src/pipeline/run-balance.js';
import type { ConsentLogEntry, SyncRun } from '../../src/store/store.js';
import { cleanBaseline, parseSnapshotLine, partnerId, PipelineHarness, type Baseline } from '../support/pipeline-harness.js';

/**
 * Brief, invariant 2, end to end: when the partner's consent source cannot be read, no record is
 * forwarded on stale or absent consent. Every record waits (pending) and its decision is logged
 * with rule CR01; the run says it failed. Then the source comes back, and the waiting records are
 * decided again: the store ends exactly as after a clean run.
 */
const dataStreams = ['ServiceRequest', 'EpisodeOfCare'];

// The pending table is keyed by record, the log names the version read (`…/_history/1`).
const recordKeyOf = (recordRef: string | null): string => `${partnerId}|${(recordRef ?? '').replace(/\/_history\/[^/]+$/, '')}`;

describe('a consent source that cannot be reached fails closed', () => {
  let h: PipelineHarness;
  let downRun: SyncRun;
  let pendingWhileDown: readonly string[];
  let baseline: Baseline;

  beforeAll(async () => {
    baseline = await cleanBaseline({ name: 'consent-source-baseline', http: { maxRetryAfterSeconds: 0 } });
    // Retry-After of the "down" source is 30 s; honour none of it, the HTTP retries still happen.
    h = await PipelineHarness.start({ name: 'consent-source', http: { maxRetryAfterSeconds: 0 } });
    await h.control('POST', 'consent-source', { state: 'down' });
    downRun = await h.sync();
    pendingWhileDown = await h.pendingKeys();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('fails the run and the Consent pull job, after retries', async () => {
    expect(downRun.status).toBe('failed');
    expect(downRun.errorCode).toBe('WB_CONSENT_SOURCE_UNREACHABLE');
    expect(downRun.errorMessage).toMatch(/^stream Consent failed: WB_PARTNER_UNREACHABLE .*GET \/fhir\/Consent answered 503/);
    const consentJob = await h.queues.pull.getJob(`${downRun.runId}-Consent`);
    expect(await consentJob?.getState()).toBe('failed');
    expect(consentJob?.attemptsMade).toBe(3);
    expect(h.journal().filter((e) => e.path.startsWith('/fhir/Consent') && e.status === 200)).toEqual([]);
  });

  it('stores nothing: every data record that was read waits (pending) or was quarantined, none is permitted or refused', async () => {
    expect(runBalance(downRun.streams).problems).toEqual([]);
    for (const stream of dataStreams) {
      const c = downRun.streams[stream];
      expect(c, stream).toBeDefined();
      expect(c?.read, stream).toBeGreaterThan(50);
      expect({ stored: c?.stored, unchanged: c?.unchanged, refused: c?.refused }, stream).toEqual({ stored: 0, unchanged: 0, refused: 0 });
      expect(c?.pending, stream).toBe((c?.read ?? 0) - (c?.quarantined ?? 0) - (c?.absorbed ?? 0) - (c?.deleted ?? 0) - (c?.stale ?? 0));
    }
    expect(await h.store.countRecords()).toBe(0);
    expect(await h.storeSnapshot()).toEqual([]);
    expect(pendingWhileDown.length).toBeGreaterThan(100);
  });

  it('logs a CR01-source-unreachable decision for every record that waits, in a chain that verifies', async () => {
    const entries: ConsentLogEntry[] = [...await h.store.readConsentLog({ limit: 100_000 })];
    const decisions = entries.filter((e) => e.content.runId === downRun.runId && e.content.kind === 'decision');
    const pendingCount = dataStreams.reduce((sum, s) => sum + (downRun.streams[s]?.pending ?? 0), 0);
    // A record decided pending and then found to conflict with a waiting version of itself (E18)
    // keeps its logged decision and is quarantined as version-conflict.
    const conflicts = (await h.store.listQuarantine({ runId: downRun.runId, limit: 1000 })).filter((q) => q.reason === 'version-conflict' && dataStreams.includes(q.stream));
    expect(decisions).toHaveLength(pendingCount + conflicts.length);
    for (const entry of decisions) {
      expect(entry.content.outcome).toBe('pending');
      expect(entry.content.purposes.length).toBeGreaterThan(0);
      for (const purpose of entry.content.purposes) expect(purpose).toMatchObject({ outcome: 'pending', rule: 'CR01-source-unreachable' });
    }
    expect([...new Set(decisions.map((e) => recordKeyOf(e.content.recordRef)))].sort()).toEqual(pendingWhileDown);
    expect((await h.store.verifyConsentLog()).ok).toBe(true);
  });

  // When a consent page arrives, the pending records of its persons are decided again in the same
  // transaction (src/pipeline/release-pending.ts).
  it('after the source is back, decides the waiting records again: the store ends as after a clean run', async () => {
    await h.control('POST', 'consent-source', { state: 'up' });

    const upRun = await h.sync();

    expect(upRun.status, upRun.errorMessage ?? '').toBe('succeeded');
    expect(upRun.streams.Consent?.stored).toBeGreaterThan(100);
    // The data streams' cursors moved past the pending records in the first run; only the overlap is re-read.
    for (const stream of dataStreams) expect(upRun.streams[stream]?.read ?? 0, stream).toBeLessThan(5);
    // The records that waited are decided now that consent is known: released (stored) or lapsed (refused).
    const released = dataStreams.reduce((n, stream) => n + (upRun.streams[stream]?.released ?? 0), 0);
    const lapsed = dataStreams.reduce((n, stream) => n + (upRun.streams[stream]?.lapsed ?? 0), 0);
    expect(released).toBeGreaterThan(50);
    expect(lapsed).toBeGreaterThan(0);
    expect(runBalance(upRun.streams).closes).toBe(true);
    // Exactly what one clean run would have left: the same records, and the same ones still waiting.
    const now = await h.storeSnapshot();
    expect(now).toEqual(baseline.snapshot);
    expect(await h.pendingKeys()).toEqual(baseline.pending);
    expect((await h.pendingKeys()).length).toBeLessThan(pendingWhileDown.length);
    expect((await h.store.verifyConsentLog()).ok).toBe(true);
  });
});

describe('a consent source that goes down after consent was stored still fails closed', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ name: 'consent-stale', http: { maxRetryAfterSeconds: 0 } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a changed record is not forwarded on the consent stored earlier: it waits (CR01); with the source up, one is', async () => {
    const clean = await h.sync();
    expect(clean.status, clean.errorMessage ?? '').toBe('succeeded');
    // Two referrals the stored consent permits (they are in the store).
    const [lineA, lineB] = (await h.storeSnapshot()).filter((line) => parseSnapshotLine(line).kind === 'referral');
    const keyOf = (line: string | undefined) => parseSnapshotLine(line ?? '').recordKey;
    const idOf = (line: string | undefined) => keyOf(line).replace(/^.*ServiceRequest\//, '');
    expect(lineA).toBeDefined();
    expect(lineB).toBeDefined();

    await h.control('POST', 'consent-source', { state: 'down' });
    const versionA = await h.saveNewVersion('ServiceRequest', idOf(lineA));
    const downRun = await h.sync();

    expect(downRun.status).toBe('failed');
    expect(downRun.streams.ServiceRequest).toMatchObject({ stored: 0, unchanged: 0, refused: 0, pending: 1 });
    const snapshotDown = await h.storeSnapshot();
    expect(snapshotDown).toContain(lineA);
    expect(await h.pendingKeys()).toContain(`${partnerId}|${keyOf(lineA)}`);
    const decision = (await h.store.readConsentLog({ limit: 100_000 })).find((e) => e.content.runId === downRun.runId && e.content.recordRef?.endsWith(`ServiceRequest/${idOf(lineA)}/_history/${versionA}`));
    expect(decision?.content.outcome).toBe('pending');
    expect(decision?.content.purposes.map((p) => p.rule)).toEqual(decision?.content.purposes.map(() => 'CR01-source-unreachable'));

    // The control: with the source up, a changed record of a consenting person is stored at once.
    await h.control('POST', 'consent-source', { state: 'up' });
    const versionB = await h.saveNewVersion('ServiceRequest', idOf(lineB));
    const upRun = await h.sync();

    expect(upRun.status, upRun.errorMessage ?? '').toBe('succeeded');
    expect(upRun.streams.ServiceRequest?.stored).toBe(1);
    const snapshotUp = await h.storeSnapshot();
    expect(parseSnapshotLine(snapshotUp.find((line) => keyOf(line) === keyOf(lineB)) ?? '').version).toBe(versionB);
    // Record A waits on (the known gap above): its stored row is still the old version.
    expect(snapshotUp).toContain(lineA);
    expect((await h.store.verifyConsentLog()).ok).toBe(true);
  });
});
