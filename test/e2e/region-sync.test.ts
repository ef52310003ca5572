import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoReport } from '../../src/demo/run-demo.js';
import { formatDemoSummary } from '../../src/demo/demo-summary.js';
import type { JournalEntry } from '../../src/sandbox/request-journal.js';
import { hashBsn } from '../../src/sandbox/request-journal.js';
import { CAST, P1, P2, P3, P4, P5, P6, P7, P8, P9 } from '../../src/sandbox/index.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import type { TrajectoryRecord } from '../../src/trajectory/trajectory-record.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv, scratchState, demoHookTimeoutMs } from '../support/demo-config.js';
import { testRedis } from '../support/redis.js';

/**
 * One sync of the whole region (issue 4): ggz, the gemeenten and UWV, through the real queues into
 * the embedded store. The records of one person from the partners link through one pseudonym, and
 * UWV is asked only about persons with consent and a trajectory start (`partners/uwv-suwinet.md` §1).
 */
interface Row { partner_id: string; person: string | null; record_kind: string; purposes: string[]; record: TrajectoryRecord }

describe('one sync of the whole region', () => {
  const state = scratchState('region');
  const key = { keyId: 'region-test', key: Buffer.alloc(32, 7) };
  let redis: RedisEndpoint;
  let report: DemoReport;
  let rows: Row[] = [];
  let uwvJournal: JournalEntry[] = [];

  beforeAll(async () => {
    redis = await testRedis();
    report = await runDemo({
      configFile: 'config/midden-utrecht.yaml', persons: 120, scenario: 'default', logLevel: 'warn', mutateConfig: state.mutate,
      env: demoEnv({ REDIS_URL: redis.url, WERKBRUG_PSEUDONYM_KEY: key.key.toString('hex'), WERKBRUG_PSEUDONYM_KEY_ID: key.keyId }),
      onBeforeCleanup: async ({ store, sandboxes }) => {
        rows = (await store.dumpTable('records')).map((line) => JSON.parse(line) as Row);
        uwvJournal = sandboxes.get('uwv')?.journal() ?? [];
      },
    });
  }, demoHookTimeoutMs);

  afterAll(async () => {
    await redis?.close();
    state.cleanup();
  });

  const pseudonymiser = new Pseudonymiser(key);
  const rowsOf = (bsn: string) => rows.filter((row) => row.person === pseudonymiser.person(bsn));

  it('succeeds for every partner, and UWV runs after the partners it needs', () => {
    expect(report.ok, formatDemoSummary(report)).toBe(true);
    const uwv = report.runs.find((run) => run.partnerId === 'uwv');
    const others = report.runs.filter((run) => run.partnerId !== 'uwv');
    expect(uwv).toBeDefined();
    for (const run of others) expect(Date.parse(run.finishedAt ?? '')).toBeLessThanOrEqual(Date.parse(uwv?.startedAt ?? ''));
  });

  it('links P1 across the partners through one pseudonym: trajectory, benefit and the job that proves work', () => {
    const p1 = rowsOf(P1.bsn);
    const partners = new Set(p1.map((row) => row.partner_id));
    expect(partners).toEqual(new Set(['ggz-altrecht', 'gem-utrecht', 'uwv']));
    const gemeente = p1.filter((row) => row.partner_id === 'gem-utrecht');
    expect(gemeente.map((row) => row.record_kind).sort()).toEqual(['benefit', 'employment', 'trajectory']);
    const ips = gemeente.find((row) => row.record_kind === 'trajectory')?.record.trajectory;
    expect(ips).toMatchObject({ programme: 'IPS', funding_stream: 'GEM_IPS_SUBSIDIE', start_date: '2025-02-03' });
    expect(ips?.events).toEqual(expect.arrayContaining([{ code: 'FUNDING_REQUESTED', date: '2025-01-16' }, { code: 'FUNDING_GRANTED', date: '2025-01-29' }]));
    const placement = gemeente.find((row) => row.record_kind === 'employment')?.record.employment;
    const uwvKinds = p1.filter((row) => row.partner_id === 'uwv').map((row) => row.record_kind).sort();
    expect(uwvKinds).toEqual(['benefit', 'employment']);
    const job = p1.find((row) => row.partner_id === 'uwv' && row.record_kind === 'employment');
    expect(job?.record.employment).toMatchObject({ start_date: '2025-06-01', employer_key: pseudonymiser.employerKey('812345605L01'), ikv_code: '15' });
    // The gemeente's loonkostensubsidie placement and the UWV relation are one job: same employer key.
    expect(placement).toMatchObject({ employer_key: job?.record.employment?.employer_key, support: ['GEM_LKS'] });
  });

  it('links P8, whom the gemeente stores without the leading zero, to the same person', () => {
    const partners = new Set(rowsOf(P8.bsn).map((row) => row.partner_id));
    expect(partners).toContain('gem-utrecht');
    expect(partners).toContain('ggz-altrecht');
  });

  it('refuses every gemeente record of P4, who rejected consent', () => {
    // Only P4's consent record itself is kept: the proof of the refusal (rule CR00).
    expect(rowsOf(P4.bsn).map((row) => [row.partner_id, row.record_kind, row.record.consent?.status])).toEqual([['ggz-altrecht', 'consent', 'refused']]);
    const wil = report.runs.find((run) => run.partnerId === 'uo-wil-lekstroom');
    expect(Object.values(wil?.streams ?? {}).reduce((n, c) => n + c.refused, 0)).toBeGreaterThan(0);
  });

  it('stores P2\'s UWV records for the one purpose P2 consented to', () => {
    const uwv = rowsOf(P2.bsn).filter((row) => row.partner_id === 'uwv');
    expect(uwv.length).toBeGreaterThan(0);
    for (const row of uwv) expect(row.purposes).toEqual(['P_MONITOR_REGIO']);
  });

  it('asks UWV only about persons with consent and a start, and never about the others', () => {
    const asked = new Set(uwvJournal.map((entry) => entry.bsnHash).filter((hash): hash is string => hash !== null));
    for (const person of [P1, P2, P7, P8]) expect(asked.has(hashBsn(person.bsn)), `${person.key} was not asked`).toBe(true);
    // P3 withdrew, P4 refused, P5's consent expired, P6 has none, P9 never started.
    for (const person of [P3, P4, P5, P6, P9]) expect(asked.has(hashBsn(person.bsn)), `${person.key} was asked`).toBe(false);
    const uwv = report.runs.find((run) => run.partnerId === 'uwv');
    const counts = uwv?.streams.persons?.personCounts ?? {};
    expect(counts['not-found']).toBeGreaterThanOrEqual(1); // P7 is unknown to UWV: not an error
    expect(counts.asked).toBe(asked.size);
  });

  it('stores nothing from UWV about persons it was not allowed to ask about', () => {
    for (const person of [P3, P4, P5, P6, P9]) expect(rowsOf(person.bsn).filter((row) => row.partner_id === 'uwv')).toEqual([]);
  });

  it('keeps clear BSNs out of the store', () => {
    const text = JSON.stringify(rows);
    for (const person of CAST) expect(text).not.toContain(person.bsn);
  });
});
