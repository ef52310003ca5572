import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestFinishedRun } from '../../src/operations/alerts/alert-conditions.js';
import { isFullRun, latestFullRun, partnerWithoutCompleteRun } from '../../src/pipeline/full-run.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * Only a full run (every stream, from the partner's own cursors) says a partner is synced: a
 * consent-only schedule or a replay that succeeds after a failed nightly sync neither recovers the
 * failed-run alert nor lets the retention purge run.
 */
describe('full runs', () => {
  let store: Store;
  const partner = 'ggz-altrecht';

  beforeAll(async () => {
    store = await openStore({ inMemory: true });
    const run = async (runId: string, at: string, status: 'succeeded' | 'failed', coverage: object = {}): Promise<void> => {
      await store.createRun({ runId, partnerId: partner, trigger: 'schedule', startedAt: at, ...coverage });
      await store.finishRun(runId, { status, finishedAt: at.replace(':00.000Z', ':30.000Z'), ...(status === 'failed' ? { errorCode: 'WB_PARTNER_UNREACHABLE' } : {}) });
    };
    await run('r1-full-ok', '2026-11-23T00:15:00.000Z', 'succeeded');
    await run('r2-full-failed', '2026-11-24T00:15:00.000Z', 'failed');
    await run('r3-consent-only-ok', '2026-11-24T12:15:00.000Z', 'succeeded', { onlyStreams: ['Consent'] });
    await run('r4-replay-ok', '2026-11-24T13:00:00.000Z', 'succeeded', { scope: { kind: 'replay', key: 'rp-1', of: 'r1-full-ok' } });
  });

  afterAll(async () => {
    await store?.close();
  });

  it('tells full runs from partial and scoped ones', () => {
    expect(isFullRun({})).toBe(true);
    expect(isFullRun({ onlyStreams: ['Consent'] })).toBe(false);
    expect(isFullRun({ scope: { kind: 'replay', key: 'rp-1', of: 'r1' } })).toBe(false);
  });

  it('judges the failed-run alert, the purge and the last success on full runs only', async () => {
    expect((await latestFullRun(store, partner))?.runId).toBe('r2-full-failed');
    expect((await latestFinishedRun(store, partner))?.runId).toBe('r2-full-failed');
    expect(await partnerWithoutCompleteRun(store, [{ id: partner, paused: false }])).toBe(partner);
    const [summary] = await store.operations.partnerRunSummaries([partner]);
    expect(summary).toMatchObject({ lastSuccessRunId: 'r1-full-ok', firstRunAt: '2026-11-23T00:15:00.000Z', latestRunId: 'r4-replay-ok' });
  });
});
