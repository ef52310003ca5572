import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/operations/backfill.js';
import { replayRun, retryRun, waitForRun } from '../../src/operations/run-actions.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { PipelineHarness, parseSnapshotLine, partnerId, pinnedNow } from '../support/pipeline-harness.js';

/**
 * Issue 6: "replay of a stored run changes nothing" and "a back-fill of a window range ends with
 * the same store contents as one full sync", against the ggz sandbox over real HTTP, real Redis
 * queues and workers, and the store.
 */
const streams = ['Consent', 'ServiceRequest', 'EpisodeOfCare'];

describe('replay and back-fill', () => {
  let full: PipelineHarness;
  let filled: PipelineHarness;

  beforeAll(async () => {
    [full, filled] = await Promise.all([
      PipelineHarness.start({ name: 'replay', persons: 60 }),
      PipelineHarness.start({ name: 'backfill', persons: 60 }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([full?.close(), filled?.close()]);
  });

  it('a replay of a stored run pulls exactly its range again and changes nothing', async () => {
    const first = await full.sync();
    expect(first.status).toBe('succeeded');
    const before = { records: await full.storeSnapshot(), quarantine: await full.quarantineKeys(), pending: await full.pendingKeys(), log: (await full.store.readConsentLog({ limit: 100_000 })).length, removals: (await full.store.dumpTable('record_removals')).length };
    const cursors = await Promise.all(streams.map((s) => full.store.getCursor(partnerId, s)));
    const ranges = await full.store.operations.runCursorRanges(first.runId);
    expect(Object.keys(ranges).sort()).toEqual([...streams, 'deletions'].sort());
    // The partner changes a record after the run: a replay must not take it (it is beyond the range).
    const changed = before.records.map(parseSnapshotLine).find((line) => line.recordKey.includes(':ServiceRequest/'));
    if (!changed) throw new Error('no ServiceRequest stored');
    await full.saveNewVersion('ServiceRequest', changed.recordKey.split('/').at(-1) ?? '');

    const replayId = await replayRun(full.runtime, full.queues, first.runId);
    const replay = await waitForRun(full.runtime, full.queues, replayId);

    expect(replay).toMatchObject({ status: 'succeeded', trigger: 'replay', sourceRunId: first.runId, scope: { kind: 'replay', of: first.runId } });
    const totals = runBalance(replay.streams).totals;
    expect(totals.read).toBeGreaterThan(0);
    expect(totals.stored).toBe(0);
    // Tombstones read again count as `deleted` (issue 3's counter), but remove nothing new.
    expect((await full.store.dumpTable('record_removals')).length).toBe(before.removals);
    expect(await full.storeSnapshot()).toEqual(before.records);
    expect(await full.quarantineKeys()).toEqual(before.quarantine);
    expect(await full.pendingKeys()).toEqual(before.pending);
    // The partner's own cursors did not move, and the replay's own cursors are gone after success.
    expect(await Promise.all(streams.map((s) => full.store.getCursor(partnerId, s)))).toEqual(cursors);
    expect((await full.store.dumpTable('cursors')).filter((line) => line.includes('@rp-'))).toEqual([]);
    // Stored records that did not change are not decided into the log again; records that are not
    // stored (refused, waiting for consent) were checked again, and those checks are logged.
    const added = (await full.store.readConsentLog({ limit: 100_000 })).slice(before.log);
    const storedRefs = new Set((await full.store.dumpTable('records')).map((line) => (JSON.parse(line) as { record_ref: string }).record_ref));
    expect(storedRefs.size).toBeGreaterThan(0);
    // (A source version delivered with other content — edge case E18 — is quarantined again, and decided again.)
    const conflicting = new Set(before.quarantine.map((key) => key.split('|')[1] ?? ''));
    expect(added.filter((entry) => storedRefs.has(entry.content.recordRef ?? '') && !conflicting.has(entry.content.recordRef ?? ''))).toEqual([]);
    for (const entry of added) expect(entry.content).toMatchObject({ kind: 'decision', runId: replayId });
  });

  it('a retry of a finished run is a new run in the history, linked to it', async () => {
    const [last] = await full.store.listRuns({ partnerId, limit: 1 });
    if (!last) throw new Error('no run to retry');
    const retried = await waitForRun(full.runtime, full.queues, await retryRun(full.runtime, full.queues, last.runId));
    expect(retried).toMatchObject({ status: 'succeeded', trigger: 'retry', sourceRunId: last.runId });
  });

  it('a back-fill split into parallel windows ends with the same store contents as one full sync', async () => {
    const reference = await full.storeSnapshot();
    const modified = reference.map((line) => parseSnapshotLine(line).modifiedMs).filter(Number.isFinite);
    const from = new Date(Math.min(...modified) - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Math.max(Date.parse(pinnedNow), ...modified) + 86_400_000).toISOString();
    const windowDays = Math.max(1, Math.ceil((Date.parse(to) - Date.parse(from)) / 86_400_000 / 5));
    const seen: number[] = [];

    const result = await backfill(filled.runtime, filled.queues, partnerId, { from, to, windowDays, parallel: 3, onProgress: (p) => seen.push(p.done) });

    expect(result.windows.length).toBeGreaterThanOrEqual(5);
    expect(result.runs.map((r) => r.status)).toEqual(result.windows.map(() => 'succeeded'));
    expect(new Set(result.runs.map((r) => r.scope?.kind))).toEqual(new Set(['window']));
    expect(seen.at(-1)).toBe(result.windows.length);
    expect(await filled.storeSnapshot()).toEqual(reference);
    expect(await filled.pendingKeys()).toEqual(await full.pendingKeys());
    // Each window pulled on cursors of its own; the partner's own cursors were never written.
    expect(await Promise.all(streams.map((s) => filled.store.getCursor(partnerId, s)))).toEqual(streams.map(() => undefined));
  });
});
