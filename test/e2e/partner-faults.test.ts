import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IngestBatch } from '../../src/pipeline/ingest-batch.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import type { ArmedFaultView, JournalEntry } from '../../src/sandbox/index.js';
import { cleanBaseline, parseSnapshotLine, partnerId, PipelineHarness, type Baseline, type HarnessOptions } from '../support/pipeline-harness.js';

/**
 * Brief, invariant 5, against the partner side: the ggz sandbox over HTTP injects the faults of
 * `partners/README.md` §3.1 into a sync through real Redis queues into a real (PGlite) store.
 * Transient faults end in retries; a fault that outlasts them fails the run loudly without a gap
 * behind the cursor and is made good by the next run; a wrong token stops at once. Each faulted
 * run is compared with a clean sync of the same caseload in a fresh harness.
 */
const options: HarnessOptions = { name: 'partner-faults' };

/** Per path, how many requests the sandbox answered in full without a fault. */
function answeredPerPath(journal: readonly JournalEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of journal) {
    if (entry.fault === null && entry.outcome === 'sent') counts[`${entry.method} ${entry.path} ${entry.status}`] = (counts[`${entry.method} ${entry.path} ${entry.status}`] ?? 0) + 1;
  }
  return counts;
}

function pullJobId(runId: string, stream: string): string {
  return `${runId}-${stream}`;
}

describe('partner faults end in retries, never in a gap or a double count', () => {
  let baseline: Baseline;
  let harness: PipelineHarness | undefined;
  // Requests of the deletions stream's history of `type` in a clean run, its next-link pages
  // (journaled as `/fhir`) included: they all come before any data stream starts.
  const historyRequests = (b: Baseline, type: string): number => {
    const isHistory = (path: string): boolean => path.startsWith(`/fhir/${type}/_history`);
    const start = b.journal.findIndex((e) => isHistory(e.path));
    if (start < 0) return 0;
    const end = b.journal.findIndex((e, i) => i > start && !isHistory(e.path) && e.path !== '/fhir');
    return (end < 0 ? b.journal.length : end) - start;
  };

  beforeAll(async () => {
    baseline = await cleanBaseline(options);
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('transient faults (503, 429, truncate, reset, malformed, hang, delay) are retried: same store, same counts as a clean sync', async () => {
    harness = await PipelineHarness.start({ ...options, http: { timeoutMs: 1500 } });
    const h = harness;
    // Consent runs alone first, then the deletions stream (whose `/fhir/EpisodeOfCare/_history`
    // requests a path-prefix rule on `/fhir/EpisodeOfCare` also sees), then the data streams.
    const eocHistory = historyRequests(baseline, 'EpisodeOfCare');
    const rules = {
      truncate: await h.armFault({ match: { path: '/fhir/Consent' }, fault: { type: 'truncate', bytes: 200 }, skip: 1, times: 1 }),
      reset: await h.armFault({ match: { path: '/fhir/Consent' }, fault: { type: 'reset' }, skip: 3, times: 1 }),
      malformed: await h.armFault({ match: { path: '/fhir/Consent' }, fault: { type: 'malformed' }, skip: 5, times: 1 }),
      unavailable: await h.armFault({ match: { path: '/fhir/ServiceRequest' }, fault: { type: 'http-error', status: 503, retryAfterSeconds: 1 }, skip: 1, times: 1 }),
      hang: await h.armFault({ match: { path: '/fhir/ServiceRequest' }, fault: { type: 'hang' }, skip: 3, times: 1 }),
      throttled: await h.armFault({ match: { path: '/fhir/EpisodeOfCare' }, fault: { type: 'http-error', status: 429, retryAfterSeconds: 1 }, skip: eocHistory, times: 1 }),
      delay: await h.armFault({ match: { path: '/fhir/EpisodeOfCare' }, fault: { type: 'delay', ms: 5000 }, skip: eocHistory + 3, times: 1 }),
    };

    const run = await h.sync();

    expect(run.status, run.errorMessage ?? '').toBe('succeeded');
    const armed = ((await h.control('GET', 'faults')) as { faults: ArmedFaultView[] }).faults;
    expect(Object.fromEntries(armed.map((f) => [f.id, f.fired])), 'every fault was delivered once').toEqual(Object.fromEntries(Object.values(rules).map((id) => [id, 1])));

    // Retried, not skipped: the requests answered in full are exactly the clean sync's, and every
    // faulted request was followed by a full answer on the same path.
    const journal = h.journal();
    expect(answeredPerPath(journal)).toEqual(answeredPerPath(baseline.journal));
    const faulted = journal.filter((e) => e.fault !== null);
    expect(faulted.map((e) => e.fault?.source).sort()).toEqual(Object.values(rules).sort());
    for (const entry of faulted) {
      const retry = journal.find((e) => e.seq > entry.seq && e.path === entry.path && e.fault === null && e.outcome === 'sent');
      expect(retry, `no retry after ${entry.fault?.type} on ${entry.path}`).toBeDefined();
    }
    // Retry-After is honoured: the 429 on the first EpisodeOfCare page is asked again after ≥ 1 s.
    const throttledAt = faulted.find((e) => e.fault?.source === rules.throttled);
    const throttledRetry = journal.find((e) => throttledAt !== undefined && e.seq > throttledAt.seq && e.path === throttledAt.path);
    expect(throttledAt?.path).toBe('/fhir/EpisodeOfCare');
    expect(Date.parse(throttledRetry?.time ?? '') - Date.parse(throttledAt?.time ?? '')).toBeGreaterThanOrEqual(950);

    const balance = runBalance(run.streams);
    expect(balance.problems).toEqual([]);
    expect(balance.totals).toEqual(baseline.totals);
    expect(await h.storeSnapshot()).toEqual(baseline.snapshot);
    expect(await h.pendingKeys()).toEqual(baseline.pending);
    expect(await h.quarantineKeys()).toEqual(baseline.quarantine);
    const verification = await h.store.verifyConsentLog();
    expect(verification).toMatchObject({ ok: true, entries: baseline.consentLogEntries });
  });

  it('a fault that outlasts the retries fails the run and its job, keeps the cursor at what was stored, and the next run fills the rest', async () => {
    harness = await PipelineHarness.start(options);
    const h = harness;
    // The deletions stream's EpisodeOfCare history and two EpisodeOfCare search pages pass, then
    // every request answers 500 until removed.
    await h.armFault({ match: { path: '/fhir/EpisodeOfCare' }, fault: { type: 'http-error', status: 500 }, skip: historyRequests(baseline, 'EpisodeOfCare') + 2, times: 0 });

    const failedRun = await h.sync();

    expect(failedRun.status).toBe('failed');
    expect(failedRun.errorCode).toBe('WB_PARTNER_UNREACHABLE');
    expect(failedRun.errorMessage).toMatch(/^stream (EpisodeOfCare|deletions) failed: WB_PARTNER_UNREACHABLE partner ggz-altrecht GET \/fhir\S* answered 500/);
    // The `_history` request of the deletions stream shares the path prefix and may be caught too.
    const eoc = await h.queues.pull.getJob(pullJobId(failedRun.runId, 'EpisodeOfCare'));
    expect(await h.queues.pull.getJobState(pullJobId(failedRun.runId, 'EpisodeOfCare'))).toBe('failed');
    expect(eoc?.attemptsMade, 'retried by BullMQ up to pipeline.attempts').toBe(3);
    expect((await h.queues.pull.getFailed()).map((j) => j.id)).toContain(pullJobId(failedRun.runId, 'EpisodeOfCare'));
    for (const stream of ['Consent', 'ServiceRequest']) {
      expect(await h.queues.pull.getJobState(pullJobId(failedRun.runId, stream)), stream).toBe('completed');
    }
    expect(runBalance(failedRun.streams).problems).toEqual([]);

    // The other streams stored all of theirs; EpisodeOfCare stored its first pages and no more.
    const partial = await h.storeSnapshot();
    const ofKind = (lines: readonly string[], kinds: readonly string[]) => lines.filter((line) => kinds.includes(parseSnapshotLine(line).kind));
    expect(ofKind(partial, ['consent', 'referral'])).toEqual(ofKind(baseline.snapshot, ['consent', 'referral']));
    const storedTrajectories = ofKind(partial, ['trajectory']);
    expect(storedTrajectories.length).toBeGreaterThan(0);
    expect(storedTrajectories.length).toBeLessThan(ofKind(baseline.snapshot, ['trajectory']).length);
    expect(baseline.snapshot).toEqual(expect.arrayContaining(storedTrajectories));

    // The cursor is the one of the last committed EpisodeOfCare page, and nothing before it is missing.
    const committed = (await h.queues.ingest.getCompleted())
      .filter((job) => (job.data as IngestBatch).stream === 'EpisodeOfCare' && (job.data as IngestBatch).runId === failedRun.runId)
      .sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
    expect(committed.length).toBeGreaterThan(0);
    const cursor = (await h.store.getCursor(partnerId, 'EpisodeOfCare')) as { lastUpdated?: string } | undefined;
    expect(cursor).toEqual((committed.at(-1)?.data as IngestBatch).cursor);
    const cursorMs = Date.parse(cursor?.lastUpdated ?? '');
    const behindCursor = ofKind(baseline.snapshot, ['trajectory']).filter((line) => parseSnapshotLine(line).modifiedMs < cursorMs);
    expect(behindCursor.length).toBeGreaterThan(0);
    expect(storedTrajectories).toEqual(expect.arrayContaining(behindCursor));

    await h.clearFaults();
    const nextRun = await h.sync();

    expect(nextRun.status, nextRun.errorMessage ?? '').toBe('succeeded');
    expect(runBalance(nextRun.streams).problems).toEqual([]);
    expect(await h.storeSnapshot()).toEqual(baseline.snapshot);
    expect(await h.pendingKeys()).toEqual(baseline.pending);
    expect(await h.quarantineKeys()).toEqual(baseline.quarantine);
    // No double count: what the two runs stored adds up to what the clean run stored, per stream.
    for (const [stream, counts] of Object.entries(baseline.run.streams)) {
      const stored = (failedRun.streams[stream]?.stored ?? 0) + (nextRun.streams[stream]?.stored ?? 0);
      expect(stored, stream).toBe(counts.stored);
    }
    expect((await h.store.verifyConsentLog()).ok).toBe(true);
  });

  it('a wrong token (401) stops each stream at once with WB_PARTNER_AUTH: no retry storm', async () => {
    harness = await PipelineHarness.start({ ...options, partnerToken: 'not-the-sandbox-token' });
    const h = harness;

    const run = await h.sync();

    expect(run.status).toBe('failed');
    expect(run.errorCode).toBe('WB_PARTNER_AUTH');
    expect(run.errorMessage).toMatch(/WB_PARTNER_AUTH partner ggz-altrecht GET \/fhir\/Consent answered 401/);
    const journal = h.journal();
    expect(journal.every((e) => e.status === 401)).toBe(true);
    const perPath = new Map<string, number>();
    for (const entry of journal) perPath.set(entry.path, (perPath.get(entry.path) ?? 0) + 1);
    for (const [path, count] of perPath) expect(count, path).toBeLessThanOrEqual(2);
    const failed = await h.queues.pull.getFailed();
    expect(failed.map((j) => j.id).sort()).toEqual(['Consent', 'EpisodeOfCare', 'ServiceRequest', 'deletions'].map((s) => pullJobId(run.runId, s)).sort());
    for (const job of failed) {
      // UnrecoverableError: the job failed on its first attempt although three were allowed.
      expect(job.attemptsMade, job.id).toBe(1);
      expect(job.failedReason).toMatch(/^WB_PARTNER_AUTH /);
    }
    expect(await h.store.countRecords()).toBe(0);
  });
});
