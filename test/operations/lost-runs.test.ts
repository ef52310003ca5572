import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapLostRuns, syncJobIdOf } from '../../src/operations/lost-runs.js';
import { backfill } from '../../src/operations/backfill.js';
import { retryRun, waitForRun } from '../../src/operations/run-actions.js';
import { newRunId } from '../../src/pipeline/run-sync.js';
import { slotJobId } from '../../src/operations/schedule-slots.js';
import { PipelineHarness, partnerId } from '../support/pipeline-harness.js';

/**
 * A run whose sync job is gone (its worker died twice, Redis lost it) must not stay `running` for
 * ever: the scheduler's check marks it failed, and `retry` takes it up from the stored cursors.
 */
describe('runs without a job', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ name: 'lost-runs', persons: 30, scenario: 'default' });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('names the job of a run, also of a scheduled one', () => {
    expect(syncJobIdOf({ runId: 'r1' })).toBe('r1');
    expect(syncJobIdOf({ runId: 'r2', slot: 'ggz-altrecht#1@2026-11-25T00:15:00.000Z' })).toBe(slotJobId('ggz-altrecht#1', new Date('2026-11-25T00:15:00.000Z')));
  });

  it('marks failed a running run whose job is gone, leaves a young or queued one alone, and lets retry take it up', async () => {
    const now = h.runtime.now();
    const lostId = newRunId(partnerId, new Date(now.getTime() - 3_600_000));
    await h.store.createRun({ runId: lostId, partnerId, trigger: 'schedule', startedAt: new Date(now.getTime() - 3_600_000).toISOString() });
    const youngId = newRunId(partnerId, now);
    await h.store.createRun({ runId: youngId, partnerId, trigger: 'manual', startedAt: now.toISOString() });
    const queuedId = `${newRunId(partnerId, now)}-q`;
    await h.store.createRun({ runId: queuedId, partnerId, trigger: 'manual', startedAt: new Date(now.getTime() - 3_600_000).toISOString() });
    await h.queues.sync.add('run', { runId: queuedId, partnerId }, { jobId: queuedId, attempts: 1, delay: 3_600_000 });

    const reaped = await reapLostRuns({ store: h.store, queues: h.queues, logger: h.runtime.logger, now });

    expect(reaped).toEqual([lostId]);
    expect(await h.store.getRun(lostId)).toMatchObject({ status: 'failed', errorCode: 'WB_PIPELINE_JOB_FAILED' });
    expect((await h.store.getRun(youngId))?.status).toBe('running');
    expect((await h.store.getRun(queuedId))?.status).toBe('running');

    // `retry` of a run still marked running whose job is gone: it is failed first, then re-run.
    const retried = await waitForRun(h.runtime, h.queues, await retryRun(h.runtime, h.queues, youngId));
    expect(retried).toMatchObject({ status: 'succeeded', trigger: 'retry', sourceRunId: youngId });
    expect((await h.store.getRun(youngId))?.status).toBe('failed');
    await h.queues.sync.remove(queuedId);
  });

  it('refuses a back-fill with a --parallel that is not a whole number from 1 to 32', async () => {
    await expect(backfill(h.runtime, h.queues, partnerId, { from: '2025-01-01', to: '2025-02-01', parallel: Number.NaN })).rejects.toThrow(/--parallel/);
    await expect(backfill(h.runtime, h.queues, partnerId, { from: '2025-01-01', to: '2025-02-01', parallel: 0 })).rejects.toThrow(/--parallel/);
  });
});
