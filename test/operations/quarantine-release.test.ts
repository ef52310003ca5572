import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseQuarantine, waitForRun } from '../../src/operations/run-actions.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { PipelineHarness, partnerId } from '../support/pipeline-harness.js';

/**
 * Issue 6: `werkbrug quarantine release` re-pulls released records. A record an earlier connector
 * quarantined but today's connector maps (simulated: a quarantine item planted for a record the
 * sandbox serves cleanly) stays released; a record the connector still refuses is quarantined again.
 */
describe('quarantine release', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.start({ name: 'release', persons: 40 });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('re-pulls the released records from where the quarantining run started, and quarantines only what still fails', async () => {
    const first = await h.sync();
    const open = await h.store.listQuarantine({ partnerId, open: true });
    const stillBroken = open.find((item) => item.stream === 'EpisodeOfCare' || item.stream === 'ServiceRequest');
    if (!stillBroken) throw new Error('the edge-case scenario quarantined nothing in a data stream');
    // "Fixed by the new connector": a quarantine item of a record the connector now maps cleanly.
    const stored = (await h.store.dumpTable('records')).map((line) => JSON.parse(line) as { record_ref: string; record_key: string })
      .find((row) => row.record_key.includes(`:${stillBroken.stream}/`));
    if (!stored) throw new Error('no stored record in the stream');
    await h.store.transaction((tx) => tx.insertQuarantine([{
      partnerId, stream: stillBroken.stream, sourceRef: stored.record_ref, stage: 'map', reason: 'unknown-code', field: 'type.coding', expected: 'a code the old mapping knew', runId: first.runId, batchId: 'b1-planted-000001',
    }]));
    const requestsBefore = h.journal().length;

    const result = await releaseQuarantine(h.runtime, h.queues, { partnerId, stream: stillBroken.stream });
    expect(result.released).toBeGreaterThanOrEqual(2);
    const run = await waitForRun(h.runtime, h.queues, result.runId ?? '');

    expect(run).toMatchObject({ status: 'succeeded', trigger: 'release', onlyStreams: [stillBroken.stream], scope: { kind: 'release' } });
    expect(h.journal().length).toBeGreaterThan(requestsBefore);
    // The re-pull read the stream again from the start of the quarantining run: the fixed record
    // came through and is stored as it was (unchanged), the broken one was quarantined again.
    expect(runBalance(run.streams).totals.unchanged).toBeGreaterThan(0);
    expect(runBalance(run.streams).totals.quarantined).toBeGreaterThan(0);
    const after = await h.store.listQuarantine({ partnerId });
    const fixed = after.find((item) => item.sourceRef === stored.record_ref);
    expect(fixed?.releasedAt).not.toBeNull();
    expect(fixed?.releaseRunId).toBe(run.runId);
    const again = after.find((item) => item.sourceRef === stillBroken.sourceRef && item.reason === stillBroken.reason && item.field === stillBroken.field);
    expect(again).toMatchObject({ releasedAt: null, runId: run.runId });
    // Open items: the ones still failing; the fixed one is no longer open.
    const openAfter = await h.store.listQuarantine({ partnerId, open: true });
    expect(openAfter.some((item) => item.sourceRef === stored.record_ref)).toBe(false);
    expect(openAfter.some((item) => item.sourceRef === stillBroken.sourceRef)).toBe(true);
  });

  it('starts nothing when no open item matches', async () => {
    expect(await releaseQuarantine(h.runtime, h.queues, { partnerId, reason: 'no-such-reason' })).toEqual({ released: 0 });
  });
});
