import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldSyncJobs, releaseHeldWork } from '../../src/operations/held-work.js';
import { startRun, waitForRun } from '../../src/operations/run-actions.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { newRunId } from '../../src/pipeline/run-sync.js';
import { PipelineHarness, partnerId } from '../support/pipeline-harness.js';

/**
 * Issue 6: "pause holds work and resume releases it" — a paused partner's queued run waits without
 * a single request to the partner, and a run already under way stops between pages; resume releases
 * both and the run completes with nothing lost (its balance closes, a next sync stores nothing).
 */
describe('pause and resume', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ name: 'pause', persons: 80, scenario: 'default', pageSize: 10 });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('holds a scheduled run of a paused partner, without asking the partner anything, until resume', async () => {
    await h.store.operations.setPartnerPaused(partnerId, true, 'test', 'partner maintenance');
    const requestsBefore = h.journal().length;
    const delayed = once(h.queues.events.sync, 'delayed');
    // Queued as the scheduler queues a slot: the worker records the run when it starts it.
    const runId = newRunId(partnerId, h.runtime.now());
    await h.queues.sync.add('run', { runId, partnerId, trigger: 'schedule', slot: `${partnerId}#0@2025-06-02T07:00:00.000Z` }, { jobId: runId, attempts: 1 });
    await delayed;

    expect((await heldSyncJobs(h.queues, partnerId)).map((held) => held.data.runId)).toEqual([runId]);
    // Held, not running: the run is recorded only when it starts.
    expect(await h.store.getRun(runId)).toBeUndefined();
    expect(h.journal().length).toBe(requestsBefore);
    // Operations cannot start more work for a paused partner by hand either.
    await expect(startRun(h.runtime, h.queues, partnerId, 'manual')).rejects.toThrow(/WB_OPERATIONS_INPUT_INVALID.*not paused/);

    await h.store.operations.setPartnerPaused(partnerId, false, 'test');
    expect(await releaseHeldWork(h.queues, partnerId)).toBe(1);
    const run = await waitForRun(h.runtime, h.queues, runId);
    expect(run.status).toBe('succeeded');
    expect(runBalance(run.streams).totals.stored).toBeGreaterThan(0);
    expect(await heldSyncJobs(h.queues, partnerId)).toEqual([]);
  });

  it('stops a run under way between pages when its partner is paused, and finishes it after resume', async () => {
    // New versions, slowly served, so the next run has several pages to go when the pause comes.
    const sr = (await h.storeSnapshot()).filter((line) => line.includes(':ServiceRequest/')).slice(0, 40);
    for (const line of sr) await h.saveNewVersion('ServiceRequest', (line.split('|')[1] ?? '').split('/').at(-1) ?? '');
    await h.armFault({ match: { method: 'GET' }, fault: { type: 'delay', ms: 100 }, times: 10_000 });
    const pullHeld = once(h.queues.events.pull, 'delayed');
    const runId = await startRun(h.runtime, h.queues, partnerId, 'test');
    const firstPage = once(h.queues.events.ingest, 'completed');
    await firstPage;
    await h.store.operations.setPartnerPaused(partnerId, true, 'test');
    await pullHeld;
    const paused = await h.store.getRun(runId);
    expect(paused?.status).toBe('running');
    const requestsWhilePaused = h.journal().length;

    await h.clearFaults();
    await h.store.operations.setPartnerPaused(partnerId, false, 'test');
    expect(await releaseHeldWork(h.queues, partnerId)).toBeGreaterThanOrEqual(1);
    const run = await waitForRun(h.runtime, h.queues, runId);
    expect(run.status).toBe('succeeded');
    expect(h.journal().length).toBeGreaterThan(requestsWhilePaused);
    expect(runBalance(run.streams).closes).toBe(true);
    expect(runBalance(run.streams).totals.stored).toBeGreaterThanOrEqual(sr.length);

    const next = await h.sync();
    expect(runBalance(next.streams).totals.stored).toBe(0);
  });
});
