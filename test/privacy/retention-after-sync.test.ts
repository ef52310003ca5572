import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logging/logger.js';
import { ingestBatch } from '../../src/pipeline/ingest-batch.js';
import { purgeAfterSync } from '../../src/privacy/retention-purge.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { consentPage, lotte, page, settingsAt, trajectory } from './erasure-fixtures.js';

/**
 * The purge after a sync waits for a complete picture: a person's reference date is the latest
 * over every partner's rows, so while one active partner's latest run failed, nothing is purged.
 */
describe('purgeAfterSync', () => {
  const config = parseConfig('config/midden-utrecht.yaml', readFileSync('config/midden-utrecht.yaml', 'utf8'));
  const logger = createLogger({ level: 'silent' });
  const now = () => new Date('2025-06-02T07:00:00Z');
  let store: Store;
  const monitorOf = async () => (await store.getRecord('ggz-altrecht', 'ggz-altrecht:EpisodeOfCare/eoc-3'))?.purposes ?? [];

  beforeAll(async () => {
    store = await openStore({ inMemory: true });
    const at = settingsAt('2025-03-01T08:00:00Z');
    await ingestBatch(store, consentPage({ who: lotte, id: 'cns-3', version: 1 }), at);
    await ingestBatch(store, page('ggz-altrecht', 'EpisodeOfCare', [{ draft: trajectory(lotte, 'eoc-3', 1, { endDate: '2022-06-30' }) }]), at);
  });
  afterAll(async () => store.close());

  async function latestRuns(failed: string | undefined, suffix: string): Promise<void> {
    for (const partner of config.partners) {
      const runId = `r-${suffix}-${partner.id}`;
      await store.createRun({ runId, partnerId: partner.id, trigger: 'test', startedAt: now().toISOString() });
      await store.finishRun(runId, partner.id === failed ? { status: 'failed', finishedAt: now().toISOString(), errorCode: 'WB_PARTNER_UNREACHABLE' } : { status: 'succeeded', finishedAt: now().toISOString() });
    }
  }

  it('purges nothing while one partner\'s latest run failed', async () => {
    await latestRuns('uwv', 'a');
    await purgeAfterSync({ store, config, now }, 'r-a-ggz-altrecht', logger);
    expect(await monitorOf()).toContain('P_MONITOR_REGIO');
  });

  it('purges once every partner last synced completely', async () => {
    await latestRuns(undefined, 'b');
    await purgeAfterSync({ store, config, now }, 'r-b-ggz-altrecht', logger);
    expect(await monitorOf()).toEqual(['P_VERANTWOORDING_COFIN']);
  });
});
