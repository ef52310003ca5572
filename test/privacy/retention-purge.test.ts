import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retentionSettingsSchema } from '../../src/config/retention-settings.js';
import { ingestBatch } from '../../src/pipeline/ingest-batch.js';
import { purgeExpired } from '../../src/privacy/retention-purge.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { benefit, bystander, consentPage, fatma, lotte, page, settingsAt, trajectory } from './erasure-fixtures.js';

/**
 * The retention purge against the real store, on both engines: exactly the persons whose rows are
 * past a purpose's period lose that purpose, rows left without one are deleted, and each purpose
 * purged is one consent-log entry with the counts and the cutoff date.
 */
const engines = await testEngines();
const config = { privacy: { retention: retentionSettingsSchema.parse({}) } };

interface Row { readonly person: string; readonly record_kind: string; readonly purposes: string[] }

describe.each(engines)('purgeExpired on $name', (engine) => {
  let test: TestStore;
  let store: Store;
  beforeAll(async () => {
    test = await openTestStore(engine);
    store = test.store;
  });
  afterAll(async () => test?.close());

  const purposesOf = async (who: string): Promise<Record<string, string[]>> => Object.fromEntries(
    (await store.dumpTable('records')).map((line) => JSON.parse(line) as Row).filter((row) => row.person === who).map((row) => [row.record_kind, row.purposes]),
  );
  const purgeEntries = async () => (await store.readConsentLog({ fromSeq: 1, limit: 10_000 })).filter((e) => e.content.kind === 'retention-purge');

  /** Lotte's trajectory and benefit ended in 2022, Fatma's trajectory in mid-2024; the bystander's still runs (last version January 2025). */
  beforeEach(async () => {
    await test.reset();
    const at = settingsAt('2025-03-01T08:00:00Z');
    await ingestBatch(store, consentPage({ who: lotte, id: 'cns-3', version: 1 }, { who: fatma, id: 'cns-5', version: 1 }, { who: bystander, id: 'cns-9', version: 1 }), at);
    await ingestBatch(store, page('ggz-altrecht', 'EpisodeOfCare', [
      { draft: trajectory(lotte, 'eoc-3', 1, { endDate: '2022-06-30' }) },
      { draft: trajectory(fatma, 'eoc-5', 1, { endDate: '2024-06-30' }) },
      { draft: trajectory(bystander, 'eoc-9', 1) },
    ]), at);
    await ingestBatch(store, page('gem-utrecht', 'PWU', [{ draft: benefit(lotte, '0356-PW-3', { endDate: '2022-03-31' }) }]), at);
  });

  it('removes a purpose only from the persons past its period and keeps the other purpose', async () => {
    const result = await purgeExpired({ store, config, now: new Date('2025-06-02T07:00:00Z'), runId: 'r-purge-1' });

    expect(result.purposes.find((p) => p.purpose === 'P_MONITOR_REGIO')).toMatchObject({ cutoff: '2022-12-31', persons: 1, rowsUpdated: 3, rowsDeleted: 0 });
    expect(result.purposes.find((p) => p.purpose === 'P_VERANTWOORDING_COFIN')).toMatchObject({ cutoff: '2018-06-01', persons: 0, rowsUpdated: 0, rowsDeleted: 0 });
    expect(await purposesOf(lotte)).toEqual({ trajectory: ['P_VERANTWOORDING_COFIN'], benefit: ['P_VERANTWOORDING_COFIN'], consent: ['P_VERANTWOORDING_COFIN'] });
    const both = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'];
    expect(await purposesOf(fatma)).toEqual({ trajectory: both, consent: both });
    expect(await purposesOf(bystander)).toEqual({ trajectory: both, consent: both });

    const [entry, ...more] = await purgeEntries();
    expect(more).toEqual([]);
    expect(entry?.content).toMatchObject({
      kind: 'retention-purge', person: null, outcome: 'erase', runId: 'r-purge-1',
      purposes: [{ purpose: 'P_MONITOR_REGIO', outcome: 'refuse', rule: 'CR21-retention-purge' }],
      detail: { cutoff: '2022-12-31', persons: 1, rowsUpdated: 3, rowsDeleted: 0, historyRowsUpdated: 0, historyRowsDeleted: 0 },
    });
    expect(result.purposes.find((p) => p.purpose === 'P_MONITOR_REGIO')?.logSeqs).toEqual([entry?.seq]);
    expect(await store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('deletes the rows a purge leaves without a purpose, years later', async () => {
    await purgeExpired({ store, config, now: new Date('2025-06-02T07:00:00Z') });
    const result = await purgeExpired({ store, config, now: new Date('2030-06-02T07:00:00Z') });

    // Fatma's trajectory ended in 2024; the bystander's still runs, so it is never due, however
    // old its last version: live data is not purged.
    expect(result.purposes.find((p) => p.purpose === 'P_MONITOR_REGIO')).toMatchObject({ cutoff: '2027-12-31', persons: 1, rowsUpdated: 2, rowsDeleted: 0 });
    expect(await purposesOf(bystander)).toEqual({ trajectory: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'], consent: ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'] });
    expect(result.purposes.find((p) => p.purpose === 'P_VERANTWOORDING_COFIN')).toMatchObject({ cutoff: '2023-06-01', persons: 1, rowsUpdated: 0, rowsDeleted: 3 });
    expect(await purposesOf(lotte)).toEqual({});
    expect(await purposesOf(fatma)).toEqual({ trajectory: ['P_VERANTWOORDING_COFIN'], consent: ['P_VERANTWOORDING_COFIN'] });
    expect((await purgeEntries()).map((e) => [e.content.purposes[0]?.purpose, e.content.detail?.rowsDeleted])).toEqual([
      ['P_MONITOR_REGIO', 0], ['P_MONITOR_REGIO', 0], ['P_VERANTWOORDING_COFIN', 3],
    ]);
    expect(await store.verifyConsentLog()).toMatchObject({ ok: true });
  });

  it('changes and logs nothing in a dry run, and reports what a real run then does', async () => {
    const before = await store.dumpTable('records');
    const dry = await purgeExpired({ store, config, now: new Date('2030-06-02T07:00:00Z'), dryRun: true });
    expect(await store.dumpTable('records')).toEqual(before);
    expect(await purgeEntries()).toEqual([]);

    const real = await purgeExpired({ store, config, now: new Date('2030-06-02T07:00:00Z') });
    const counts = (r: typeof dry) => r.purposes.map(({ logSeqs: _, ...rest }) => rest);
    expect(counts(real)).toEqual(counts(dry));
    expect(dry.dryRun).toBe(true);
  });

  it('finds nothing to purge a second time on the same day', async () => {
    await purgeExpired({ store, config, now: new Date('2025-06-02T07:00:00Z') });
    const again = await purgeExpired({ store, config, now: new Date('2025-06-02T08:00:00Z') });
    expect(again.purposes.every((p) => p.persons === 0)).toBe(true);
    expect(await purgeEntries()).toHaveLength(1);
  });
});
