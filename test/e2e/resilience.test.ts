import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IngestBatch, IngestResult } from '../../src/pipeline/ingest-batch.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import {
  cleanBaseline, partnerId, PipelineHarness, type Baseline, type HarnessOptions,
} from '../support/pipeline-harness.js';
import { failingTransactions, type TransactionFaults } from '../support/failing-store.js';

/**
 * Brief, invariant 5, on werkbrug's own side: a crash inside the ingest transaction, a Redis that
 * lost everything, and a batch delivered twice. The store — not Redis — holds cursors, runs and
 * the batches already committed, so none of these may leave a gap, count a record twice or
 * change what is stored. Each case is compared with a clean sync of the same caseload.
 */
const options: HarnessOptions = { name: 'resilience' };
const streams = ['Consent', 'ServiceRequest', 'EpisodeOfCare', 'deletions'];

async function cursors(h: PipelineHarness): Promise<Record<string, unknown>> {
  return Object.fromEntries(await Promise.all(streams.map(async (s) => [s, await h.store.getCursor(partnerId, s)] as const)));
}

describe('werkbrug recovers from its own failures without a gap or a double count', () => {
  let baseline: Baseline;
  let harness: PipelineHarness | undefined;

  beforeAll(async () => {
    baseline = await cleanBaseline(options);
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('a crash mid-batch (the ingest transaction throws after its writes) rolls back, is retried, and counts once', async () => {
    let faults: TransactionFaults | undefined;
    // Transactions 2 and 5 are Consent pages (that stream runs alone first); 14 falls among the parallel streams.
    harness = await PipelineHarness.start({
      ...options,
      wrapStore: (store) => {
        faults = failingTransactions(store, new Set([2, 5, 14]));
        return faults.store;
      },
    });
    const h = harness;

    const run = await h.sync();

    expect(run.status, run.errorMessage ?? '').toBe('succeeded');
    const crashes = faults?.crashes() ?? [];
    expect(crashes.map((c) => c.transaction)).toEqual([2, 5, 14]);
    // The crashes came after records and decisions were written, so those writes had to be rolled back.
    expect(crashes.filter((c) => c.callsBefore.includes('applyWrites') && c.callsBefore.includes('appendConsentLog')).length).toBeGreaterThanOrEqual(2);
    // BullMQ retried exactly the crashed batches, once each.
    const retried = (await h.queues.ingest.getCompleted()).filter((job) => job.attemptsMade > 1);
    expect(retried.map((job) => job.attemptsMade)).toEqual([2, 2, 2]);

    const balance = runBalance(run.streams);
    expect(balance.problems).toEqual([]);
    expect(balance.totals).toEqual(baseline.totals);
    expect(balance.totals.read).toBe(baseline.totals.read);
    expect(await h.storeSnapshot()).toEqual(baseline.snapshot);
    expect(await h.pendingKeys()).toEqual(baseline.pending);
    expect(await h.quarantineKeys()).toEqual(baseline.quarantine);
    // The rolled-back decisions left no entry behind: the chain holds each decision once.
    expect(await h.store.verifyConsentLog()).toMatchObject({ ok: true, entries: baseline.consentLogEntries });
  });

  it('a flushed Redis loses no progress: the next sync starts from the cursors in the store and stores nothing new', async () => {
    harness = await PipelineHarness.start(options);
    const h = harness;
    const first = await h.sync();
    expect(first.status, first.errorMessage ?? '').toBe('succeeded');
    expect(await h.storeSnapshot()).toEqual(baseline.snapshot);
    const before = await cursors(h);

    await h.flushRedis();
    // Redis really forgot the first run: its jobs and their results are gone.
    expect(await h.queues.ingest.getJobCounts('completed', 'failed', 'waiting')).toMatchObject({ completed: 0, failed: 0, waiting: 0 });
    expect(await h.queues.sync.getJob(first.runId)).toBeUndefined();
    const second = await h.sync();

    expect(second.status, second.errorMessage ?? '').toBe('succeeded');
    const totals = runBalance(second.streams).totals;
    expect(runBalance(second.streams).problems).toEqual([]);
    expect({ stored: totals.stored, pending: totals.pending, refused: totals.refused, quarantined: totals.quarantined, deleted: totals.deleted })
      .toEqual({ stored: 0, pending: 0, refused: 0, quarantined: 0, deleted: 0 });
    // Only the cursor overlap is read again, not the whole caseload.
    expect(totals.read).toBeLessThan(baseline.totals.read / 10);
    expect(await h.storeSnapshot()).toEqual(baseline.snapshot);
    expect(await h.pendingKeys()).toEqual(baseline.pending);
    expect(await cursors(h)).toEqual(before);
    expect((await h.store.verifyConsentLog()).ok).toBe(true);
  });

  it('a replayed batch (a completed ingest job added again under a new job id) changes nothing', async () => {
    harness = await PipelineHarness.start(options);
    const h = harness;
    const run = await h.sync();
    expect(run.status, run.errorMessage ?? '').toBe('succeeded');
    // An early page that stored records: replaying it would also move its stream's cursor back.
    const completed = await h.queues.ingest.getCompleted();
    const page = completed
      .filter((job) => (job.data as IngestBatch).stream === 'ServiceRequest' && (job.returnvalue as IngestResult).counts.stored > 0)
      .sort((a, b) => (a.data as IngestBatch).batchId.localeCompare((b.data as IngestBatch).batchId))[0];
    expect(page, 'a committed ServiceRequest page').toBeDefined();
    const before = {
      snapshot: await h.storeSnapshot(), pending: await h.pendingKeys(), quarantine: await h.store.dumpTable('quarantine'),
      counts: (await h.store.getRun(run.runId))?.streams, cursors: await cursors(h), log: await h.store.verifyConsentLog(),
    };

    const replay = await h.queues.ingest.add('page', page?.data, { jobId: `replay-${page?.id ?? ''}` });
    await replay.waitUntilFinished(h.queues.events.ingest);

    expect(await replay.getState()).toBe('completed');
    expect(await h.storeSnapshot()).toEqual(before.snapshot);
    expect(await h.pendingKeys()).toEqual(before.pending);
    expect(await h.store.dumpTable('quarantine')).toEqual(before.quarantine);
    expect((await h.store.getRun(run.runId))?.streams).toEqual(before.counts);
    expect(await cursors(h)).toEqual(before.cursors);
    const log = await h.store.verifyConsentLog();
    expect(log.ok).toBe(true);
    expect(log).toEqual(before.log);
  });
});
