import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyErasuresCommand, privacyPurgeCommand } from '../../src/cli/privacy-erasure-commands.js';
import { ingestBatch } from '../../src/pipeline/ingest-batch.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { benefit, consentPage, lotte, page, settingsAt, trajectory } from './erasure-fixtures.js';

/**
 * `werkbrug privacy erasures` and `werkbrug privacy purge` on an embedded store in a folder of
 * their own, as a privacy officer runs them: the receipts of a period in every format, the access
 * recorded first, a receipt that disagrees with the log found, and a dry-run purge.
 */
let dir: string;
let config: string;
const storeDir = (): string => join(dir, 'store');

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ pgliteDir: storeDir(), schema: 'werkbrug' });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function run(command: (write: (text: string) => void) => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await command((text) => { out += text; });
  return { code, out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-erasures-'));
  config = join(dir, 'region.yaml');
  writeFileSync(config, readFileSync('config/midden-utrecht.yaml', 'utf8').replace(/embeddedDir: .*/, `embeddedDir: ${storeDir()}`));
  await withStore(async (store) => {
    const at = settingsAt('2025-03-01T08:00:00Z');
    await ingestBatch(store, consentPage({ who: lotte, id: 'cns-3', version: 1 }), at);
    await ingestBatch(store, page('ggz-altrecht', 'EpisodeOfCare', [{ draft: trajectory(lotte, 'eoc-3', 1, { endDate: '2022-06-30' }) }]), at);
    await ingestBatch(store, page('gem-utrecht', 'PWU', [{ draft: benefit(lotte, '0356-PW-3') }]), at);
    await ingestBatch(store, consentPage({ who: lotte, id: 'cns-3', version: 2, status: 'inactive' }), settingsAt('2025-06-02T07:00:00Z'));
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const actor = { user: 'fg-anna', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AUD-2025-06' };

describe('werkbrug privacy erasures', () => {
  it('lists the receipts of the period as CSV and records the access first', async () => {
    const { code, out } = await run((write) => privacyErasuresCommand({ config, from: '2025-06-01', to: '2025-06-02', format: 'csv', ...actor }, {}, write));
    expect(code).toBe(0);
    const [header, ...rows] = out.trimEnd().split('\r\n').map((line) => line.split(','));
    expect(header).toEqual(['erased_at', 'person', 'purpose', 'withdrawal_rule', 'rows_updated', 'rows_deleted', 'history_updated', 'history_deleted', 'pending_deleted', 'consent_ref', 'log_entry', 'matches_log']);
    expect(rows.map((r) => [r[1], r[2], r[3], r[5], r[11]])).toEqual([
      [lotte, 'P_MONITOR_REGIO', 'CR07-withdrawn', '0', 'yes'],
      [lotte, 'P_VERANTWOORDING_COFIN', 'CR07-withdrawn', '2', 'yes'],
    ]);
    expect(rows[0]?.[10]).toMatch(/^#\d+ cl1:[0-9a-f]{64}$/);
    const access = await withStore((store) => store.readAccessLog({}));
    expect(access.map((a) => a.content)).toEqual([expect.objectContaining({ event: 'erasure-list', person: null, ...actor, detail: expect.objectContaining({ receipts: 2 }) })]);
  });

  it('gives the same receipts as JSON and as a table, and an empty period says so', async () => {
    const json = JSON.parse((await run((write) => privacyErasuresCommand({ config, from: '2025-06-01', to: '2025-06-02', format: 'json' }, {}, write))).out) as Array<Record<string, unknown>>;
    expect(json.map((r) => [r.purpose, r.rowsDeleted, r.matchesLog])).toEqual([['P_MONITOR_REGIO', 0, true], ['P_VERANTWOORDING_COFIN', 2, true]]);
    expect(json[0]?.logEntry).toMatch(/^cl1:[0-9a-f]{64}$/);
    expect((await run((write) => privacyErasuresCommand({ config, from: '2025-06-01', to: '2025-06-02' }, {}, write))).out).toMatch(/2 erasure receipt\(s\)\n$/);
    expect((await run((write) => privacyErasuresCommand({ config, from: '2025-05-01', to: '2025-05-31' }, {}, write))).out).toBe('no erasures in this period\n');
  });

  it('refuses a bad format or period with exit 2 and records nothing', async () => {
    const before = (await withStore((store) => store.readAccessLog({}))).length;
    expect((await run((write) => privacyErasuresCommand({ config, from: '2025-06-01', to: '2025-06-02', format: 'xlsx' }, {}, write))).code).toBe(2);
    expect((await run((write) => privacyErasuresCommand({ config, from: 'gisteren', to: '2025-06-02' }, {}, write))).code).toBe(2);
    expect(await withStore((store) => store.readAccessLog({}))).toHaveLength(before);
  });

  it('exits 1 and marks the receipt when a receipt no longer says what its consent-log entry says', async () => {
    const { createPgliteClient } = await import('../../src/store/pglite-client.js');
    const sql = await createPgliteClient({ dataDir: storeDir(), schema: 'werkbrug' });
    try {
      await sql.query("UPDATE erasure_receipts SET rows_deleted = 0 WHERE purpose = 'P_VERANTWOORDING_COFIN'");
    } finally {
      await sql.close();
    }
    const { code, out } = await run((write) => privacyErasuresCommand({ config, from: '2025-06-01', to: '2025-06-02', format: 'csv' }, {}, write));
    expect(code).toBe(1);
    expect(out.split('\r\n').filter((line) => line.endsWith(',NO'))).toHaveLength(1);
  });
});

describe('werkbrug privacy purge', () => {
  it('reports per purpose what is past its period and, in a dry run, changes nothing', async () => {
    const before = await withStore((store) => store.dumpTable('records'));
    const { code, out } = await run((write) => privacyPurgeCommand({ config, dryRun: true }, {}, write));
    expect(code).toBe(0);
    expect(out).toMatch(/^P_MONITOR_REGIO +reference date up to \d{4}-12-31: \d+ person\(s\)/m);
    expect(out).toContain('dry run: nothing was changed and nothing was logged');
    expect(await withStore((store) => store.dumpTable('records'))).toEqual(before);
  });
});
