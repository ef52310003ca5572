import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consentLogCommand } from '../../src/cli/privacy-access-commands.js';
import { parsePeriod } from '../../src/privacy/consent-log-query-period.js';
import { csvCell, writeConsentLog, type ConsentLogRow } from '../../src/privacy/consent-log-query.js';
import type { ConsentLogContent } from '../../src/store/store.js';
import { openTestStore, testDatabaseUrl, testEngines, type TestStore } from '../support/postgres.js';

const engines = await testEngines();
const personA = `ps1:mu-2025a:${'A'.repeat(42)}A`;
const personB = `ps1:mu-2025a:${'B'.repeat(42)}A`;

function entry(at: string, outcome: ConsentLogContent['outcome'], partnerId = 'ggz-altrecht', person = personA): ConsentLogContent {
  const kind = outcome === 'erase' ? 'erasure' : 'decision';
  return {
    kind, at, partnerId, person, recordRef: `${partnerId}:EpisodeOfCare/${at.slice(0, 10)}/_history/1`, outcome,
    purposes: outcome === 'erase' ? [] : [
      { purpose: 'P_MONITOR_REGIO', outcome: outcome === 'permit' ? 'permit' : outcome === 'pending' ? 'pending' : 'refuse', rule: outcome === 'permit' ? 'CR04-permit' : 'CR11-other-purpose', consentRef: 'ggz-altrecht:Consent/7/_history/2' },
      { purpose: 'P_WETENSCHAP', outcome: 'refuse', rule: 'CR11-other-purpose', reason: 'other-purpose' },
    ],
    runId: 'run-1', batchId: 'batch-1',
    ...(outcome === 'erase' ? { detail: { purpose: 'P_MONITOR_REGIO', rowsDeleted: 2, rule: 'CR07-withdrawn' } } : {}),
  };
}

// Amsterdam is UTC+1 in winter: 2026-01-31T23:30Z is 1 February 00:30 local time.
const log: ConsentLogContent[] = [
  entry('2025-12-31T22:59:59.000Z', 'permit'), // 1: 31 Dec 23:59 local: before January
  entry('2025-12-31T23:00:00.000Z', 'permit'), // 2: 1 Jan 00:00 local: first instant of January
  entry('2026-01-10T09:00:00.000Z', 'refuse', 'uwv', personB), // 3
  entry('2026-01-15T09:00:00.000Z', 'pending'), // 4
  entry('2026-01-31T22:59:00.000Z', 'erase'), // 5: 31 Jan 23:59 local
  entry('2026-01-31T23:30:00.000Z', 'refuse'), // 6: 1 Feb local: after January
];

async function collect(run: (write: (chunk: string) => void) => Promise<unknown>): Promise<string> {
  let text = '';
  await run((chunk) => {
    text += chunk;
  });
  return text;
}

/** A minimal RFC 4180 reader, independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] ?? '';
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += ch;
  }
  return rows;
}

describe('period and csv (pure)', () => {
  it('reads calendar days in Amsterdam time with --to included, and instants exactly', () => {
    expect(parsePeriod({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-31T23:00:00.000Z', to: '2026-01-31T23:00:00.000Z' });
    expect(parsePeriod({ from: '2026-07-01', to: '2026-07-01' })).toEqual({ from: '2026-06-30T22:00:00.000Z', to: '2026-07-01T22:00:00.000Z' });
    expect(parsePeriod({ from: '2026-01-01T10:00:00+01:00' })).toEqual({ from: '2026-01-01T09:00:00.000Z' });
  });

  it.each([
    [{ from: '2026-02-31', to: '2026-03-01' }, /--from: expected a calendar date.*that day does not exist/],
    [{ from: '1 januari', to: '2026-03-01' }, /--from: expected a calendar date/],
    [{ from: '2026-03-01', to: '2026-02-01' }, /--to: expected a period end after its start/],
    [{ to: '2026-02-01' }, /--from: .*--from is required/],
  ])('refuses %o', (options, message) => {
    expect(() => parsePeriod(options, ['--from', '--to'])).toThrow(message);
  });

  it('quotes csv cells that need it', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "x"')).toBe('"say ""x"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(7)).toBe('7');
  });
});

describe.each(engines)('consent log by period on $name', (engine) => {
  let t: TestStore;

  beforeAll(async () => {
    if (engine.unavailable !== undefined) throw new Error(engine.unavailable);
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.store.transaction((tx) => tx.appendConsentLog(log));
  });

  const january = parsePeriod({ from: '2026-01-01', to: '2026-01-31' });

  it('lists exactly the entries of the period, in seq order, across pages', async () => {
    const json = await collect((write) => writeConsentLog(t.store, january, 'json', write, 2));
    const rows = JSON.parse(json) as ConsentLogRow[];
    expect(rows.map((r) => r.seq)).toEqual([2, 3, 4, 5]);
    const stored = await t.store.readConsentLog({});
    expect(rows[0]).toEqual({
      seq: 2, at: '2025-12-31T23:00:00.000Z', kind: 'decision', partnerId: 'ggz-altrecht', person: personA, recordRef: 'ggz-altrecht:EpisodeOfCare/2025-12-31/_history/1',
      outcome: 'permit', purposes: log[1]?.purposes, runId: 'run-1', batchId: 'batch-1', hash: `cl1:${stored[1]?.hash ?? ''}`,
    });
  });

  it('filters by decision and by partner in SQL', async () => {
    const refused = JSON.parse(await collect((write) => writeConsentLog(t.store, { ...january, outcome: 'refuse' }, 'json', write))) as ConsentLogRow[];
    expect(refused.map((r) => r.seq)).toEqual([3]);
    const erased = JSON.parse(await collect((write) => writeConsentLog(t.store, { ...january, outcome: 'erase' }, 'json', write))) as ConsentLogRow[];
    expect(erased.map((r) => [r.seq, r.kind, r.detail])).toEqual([[5, 'erasure', { purpose: 'P_MONITOR_REGIO', rowsDeleted: 2, rule: 'CR07-withdrawn' }]]);
    const uwv = JSON.parse(await collect((write) => writeConsentLog(t.store, { partnerId: 'uwv' }, 'json', write))) as ConsentLogRow[];
    expect(uwv.map((r) => r.seq)).toEqual([3]);
    expect(await collect((write) => writeConsentLog(t.store, { ...january, outcome: 'refuse', partnerId: 'ggz-altrecht' }, 'json', write))).toBe('[]\n');
  });

  it('writes csv a spreadsheet reads back: header, one line per entry, purposes with rule, cl1 hash', async () => {
    const rows = parseCsv(await collect((write) => writeConsentLog(t.store, january, 'csv', write)));
    expect(rows[0]).toEqual(['seq', 'at', 'kind', 'partner', 'person', 'record_ref', 'outcome', 'purposes', 'detail', 'hash']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['2', '3', '4', '5']);
    expect(rows[3]).toEqual([
      '4', '2026-01-15T09:00:00.000Z', 'decision', 'ggz-altrecht', personA, 'ggz-altrecht:EpisodeOfCare/2026-01-15/_history/1', 'pending',
      'P_MONITOR_REGIO=pending(CR11-other-purpose); P_WETENSCHAP=refuse(CR11-other-purpose)', '', expect.stringMatching(/^cl1:[0-9a-f]{64}$/),
    ]);
    expect(rows[4]?.[8]).toBe('purpose=P_MONITOR_REGIO; rowsDeleted=2; rule=CR07-withdrawn');
  });

  it('writes a table with one block per entry and a count', async () => {
    const table = await collect((write) => writeConsentLog(t.store, january, 'table', write));
    expect(table.split('\n')[0]).toMatch(/^seq\s+at\s+kind\s+partner\s+outcome\s+person\s+record$/);
    expect(table).toContain('P_MONITOR_REGIO: permit by CR04-permit (consent ggz-altrecht:Consent/7/_history/2)');
    expect(table).toMatch(/4 entries\n$/);
  });

  it('as a command records the access, with the period and filter, before it lists', async () => {
    // The command opens the configured store: here the test's PostgreSQL schema; the embedded
    // store is what access-request.test.ts runs its commands on.
    if (engine.name !== 'postgres') return;
    const env = { DATABASE_URL: testDatabaseUrl };
    const config = await scratchConfig(t.schema);
    const out = await collect(async (write) => {
      expect(await consentLogCommand({ config, from: '2026-01-01', to: '2026-01-31', decision: 'refuse', format: 'csv', user: 'fg-anna', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AUD-2026-01' }, env, async (chunk) => write(chunk))).toBe(0);
    });
    expect(parseCsv(out).slice(1).map((r) => r[0])).toEqual(['3']);
    const [access] = await t.store.readAccessLog({});
    expect(access?.content).toMatchObject({
      event: 'consent-log', person: null, user: 'fg-anna', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AUD-2026-01',
      detail: { from: '2025-12-31T23:00:00.000Z', to: '2026-01-31T23:00:00.000Z', decision: 'refuse', format: 'csv' },
    });
  });

  it('as a command refuses a bad period or format with exit 2, recording nothing', async () => {
    expect(await consentLogCommand({ config: 'config/midden-utrecht.yaml', from: '2026-01-01', to: '2026-01-31', format: 'xlsx' }, {})).toBe(2);
    expect(await consentLogCommand({ config: 'config/midden-utrecht.yaml', from: 'gisteren', to: '2026-01-31' }, {})).toBe(2);
    expect(await t.store.readAccessLog({})).toEqual([]);
  });
});

async function scratchConfig(schema: string): Promise<string> {
  const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'wb-consent-log-'));
  const file = join(dir, 'region.yaml');
  writeFileSync(file, readFileSync('config/midden-utrecht.yaml', 'utf8').replace(/schema: [a-z_]+/, `schema: ${schema}`));
  return file;
}
