import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoKey } from '../../src/config/pseudonym-key.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { runDemo, type DemoReport } from '../../src/demo/run-demo.js';
import { formatDemoSummary } from '../../src/demo/demo-summary.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv, scratchState, demoHookTimeoutMs } from '../support/demo-config.js';
import { LogSink } from '../support/log-sink.js';
import { deleteRedisPrefix, dumpRedisPrefix, testPrefix, testRedis } from '../support/redis.js';

/**
 * Invariant 1: no BSN, name, address, exact birth date or free text ever reaches Redis, the store,
 * the consent log or a log line. Canaries are planted in the sandbox; after a full demo run every
 * Redis key and value, every row of every store table and every log line is scanned.
 */
const canaries = {
  names: ['Wilhelmina Canarisvogel', 'Canarisvogel', 'Yıldız Kanaryaoğlu'],
  // Valid BSNs (they pass the 11-proef, so they are pseudonymised, not quarantined).
  bsns: ['999991437', '999992417'],
  addresses: ['Kanariepad 77', '3511 KZ'],
  birthDates: ['1958-02-17', '1961-11-03'],
  notes: ['CANARY-NOTE cliënt vertelde over zijn schulden en de rechtszaak'],
};

function variants(bsn: string): string[] {
  return [bsn, `${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)}`, `${bsn.slice(0, 3)}.${bsn.slice(3, 6)}.${bsn.slice(6)}`, bsn.replace(/^0/, '')];
}

const needles = [
  ...canaries.names, ...canaries.addresses, ...canaries.birthDates, ...canaries.notes,
  ...canaries.bsns.flatMap(variants),
  // The shared cast's BSNs and P1's name and street from the spec examples are personal data too.
  '999990019', '999990032', '010000021', 'Sanne de Vries', 'Oudegracht 231',
];

function findCanaries(text: string): string[] {
  return needles.filter((needle) => text.includes(needle));
}

describe('no clear identifier leaves the edge', () => {
  const state = scratchState('privacy');
  const logs = new LogSink();
  const said: string[] = [];
  let redis: RedisEndpoint;
  let report: DemoReport;
  const redisHits: string[] = [];
  const storeHits: string[] = [];
  let redisKeys = 0;
  let storeRows = 0;
  // Proof that the canaries travelled the whole pipeline: their pseudonyms are in the store.
  let canaryPseudonymRows = 0;
  const prefix = testPrefix('privacy');

  beforeAll(async () => {
    redis = await testRedis();
    report = await runDemo({
      configFile: 'config/midden-utrecht.yaml', env: demoEnv({ REDIS_URL: redis.url }), mutateConfig: state.mutate,
      canaries, logDestination: logs, logLevel: 'debug', redisPrefix: prefix, keepRedisKeys: true,
      say: (line) => said.push(line),
      onBeforeCleanup: async ({ redisUrl, store }) => {
        for (const [key, value] of await dumpRedisPrefix(redisUrl, prefix)) {
          redisKeys += 1;
          for (const hit of findCanaries(`${key} ${value}`)) redisHits.push(`${key}: ${hit}`);
        }
        const { key } = demoKey(join(state.dir, 'pseudonym-key.json'));
        const canaryPseudonyms = canaries.bsns.map((bsn) => new Pseudonymiser(key).person(bsn));
        for (const table of await store.listTables()) {
          for (const row of await store.dumpTable(table)) {
            storeRows += 1;
            if (table === 'records' && canaryPseudonyms.some((p) => row.includes(p))) canaryPseudonymRows += 1;
            for (const hit of findCanaries(row)) storeHits.push(`${table}: ${hit}`);
          }
        }
      },
    });
  }, demoHookTimeoutMs);

  afterAll(async () => {
    await deleteRedisPrefix(redis.url, prefix);
    await redis.close();
    state.cleanup();
  });

  it('runs the demo with the canaries planted', () => {
    expect(report.ok, formatDemoSummary(report)).toBe(true);
    expect(redisKeys).toBeGreaterThan(10);
    expect(storeRows).toBeGreaterThan(1000);
    expect(logs.lines.length).toBeGreaterThan(10);
    // Each canary person has a referral, a trajectory and a consent that pass consent: all stored.
    expect(canaryPseudonymRows).toBeGreaterThanOrEqual(canaries.bsns.length * 2);
  });

  it('finds none of them in any Redis key or value', () => {
    expect(redisHits).toEqual([]);
  });

  it('finds none of them in any row of any store table, the consent log included', () => {
    expect(storeHits).toEqual([]);
  });

  it('finds none of them in any log line or printed line', () => {
    expect(logs.lines.flatMap(findCanaries)).toEqual([]);
    expect(said.flatMap(findCanaries)).toEqual([]);
    expect(findCanaries(formatDemoSummary(report))).toEqual([]);
  });
});
