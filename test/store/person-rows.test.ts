import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/stages/canonical-json.js';
import { trajectoryFormat, type TrajectoryRecord } from '../../src/trajectory/trajectory-record.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { personA, personB } from './store-fixtures.js';

const engines = await testEngines();
const personC = `ps1:mu-2025a:${'C'.repeat(42)}A`;

function trajectory(person: string, key: string, start: string | undefined, end?: string): TrajectoryRecord {
  const body = {
    format: trajectoryFormat as typeof trajectoryFormat, record_kind: 'trajectory' as const, person,
    subject: { as_of: start ?? '2025-01-01', age_band: 'A27_34' as const },
    source: { partner_id: 'ggz-altrecht', record_ref: `ggz-altrecht:EpisodeOfCare/${key}/_history/1`, record_key: `ggz-altrecht:EpisodeOfCare/${key}`, version: '1', modified_at: '2025-03-01T10:00:00Z' },
    purposes: ['P_MONITOR_REGIO' as const],
    trajectory: {
      programme: 'IPS' as const, funding_stream: 'UNKNOWN' as const,
      ...(start ? { start_date: start } : {}), ...(end ? { end_date: end, end_code: 'END_OTHER' as const } : {}),
    },
  };
  return { ...body, lineage: { ingested_at: '2025-03-02T10:00:00Z', connector: 'ggz-fhir@0.1.0', mapping_version: 'm1', batch_id: 'batch-0001', content_hash: contentHash(body) } };
}

describe.each(engines)('person reads on $name', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const records = [
      trajectory(personA, 'a1', '2024-05-01', '2024-12-31'), trajectory(personA, 'a2', '2025-02-03'),
      trajectory(personB, 'b1', '2023-01-10', '2023-06-30'), trajectory(personB, 'b2', '2023-03-01', '2024-02-29'),
      trajectory(personC, 'c1', undefined),
    ];
    await t.store.transaction((tx) => tx.applyWrites(records.map((record) => ({ op: 'insert' as const, record, runId: 'run-test' }))));
  });
  afterAll(async () => { await t?.close(); });

  it('gives each person the window of their started trajectories; an open one leaves the end open', async () => {
    const windows = await t.store.personWindows([personA, personB, personC, `ps1:mu-2025a:${'D'.repeat(42)}A`]);
    expect(Object.fromEntries(windows)).toEqual({
      [personA]: { earliestStart: '2024-05-01', latestEnd: null },
      [personB]: { earliestStart: '2023-01-10', latestEnd: '2024-02-29' },
    });
  });

  it('loads a person\'s rows of one partner by key prefix, and nothing of other persons', async () => {
    const rows = await t.store.transaction((tx) => tx.loadPersonRows('ggz-altrecht', personA, 'ggz-altrecht:EpisodeOfCare/'));
    expect(rows.map((row) => row.recordKey)).toEqual(['ggz-altrecht:EpisodeOfCare/a1', 'ggz-altrecht:EpisodeOfCare/a2']);
    expect(await t.store.transaction((tx) => tx.loadPersonRows('ggz-altrecht', personA, 'ggz-altrecht:Other/'))).toEqual([]);
  });

  it('counts persons by the number of partners that sent records about them', async () => {
    expect(Object.fromEntries(await t.store.personsByPartnerCount())).toEqual({ 1: 3 });
  });

  it('adds person counts per key across batches', async () => {
    await t.store.createRun({ runId: 'run-pc', partnerId: 'uwv', trigger: 'test', startedAt: '2025-03-02T10:00:00Z' });
    await t.store.transaction((tx) => tx.addRunCounts('run-pc', 'persons', { read: 2 }, { 'asked': 2, 'not-found': 1 }));
    await t.store.transaction((tx) => tx.addRunCounts('run-pc', 'persons', { read: 1 }, { asked: 1, failed: 1 }));
    await t.store.transaction((tx) => tx.addRunCounts('run-pc', 'persons', { read: 0 }));
    const run = await t.store.getRun('run-pc');
    expect(run?.streams.persons).toMatchObject({ read: 3, personCounts: { 'asked': 3, 'not-found': 1, 'failed': 1 } });
  });
});
