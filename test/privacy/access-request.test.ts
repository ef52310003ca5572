import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accessLogVerifyCommand, accessRequestCommand } from '../../src/cli/privacy-access-commands.js';
import type { AccessRequestReport } from '../../src/privacy/access-request-report.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { createPgliteClient } from '../../src/store/pglite-client.js';
import { SqlStore } from '../../src/store/sql-store.js';
import type { ConsentLogContent } from '../../src/store/store.js';
import type { DraftRecord } from '../../src/trajectory/trajectory-record.js';
import { demoEnv, scratchState } from '../support/demo-config.js';
import { LogSink } from '../support/log-sink.js';
import { ingest, referral } from '../store/store-fixtures.js';

/**
 * `werkbrug privacy access-request` against an embedded store the way an operator runs it: the
 * BSN on standard input, the key in the environment. Two persons are stored; the answer must hold
 * exactly the first one's rows (also those under a pseudonym of an earlier key, linked by a
 * `relink` entry), and the BSN must turn up nowhere: not in the output, the store or the messages.
 */
const bsn = '999993653';
const typedBsn = '9999.93.653';
const otherBsn = '111222333';
const key = { keyId: 'access-test', key: Buffer.from('a7'.repeat(32), 'hex') };
const oldKey = { keyId: 'access-old', key: Buffer.from('b8'.repeat(32), 'hex') };
const personA = new Pseudonymiser(key).person(bsn);
const personAOld = new Pseudonymiser(oldKey).person(bsn);
const personB = new Pseudonymiser(key).person(otherBsn);

function decision(person: string, ref: string | null, at: string): ConsentLogContent {
  return {
    kind: 'decision', at, partnerId: 'ggz-altrecht', person, recordRef: ref, outcome: 'permit',
    purposes: [{ purpose: 'P_MONITOR_REGIO', outcome: 'permit', rule: 'CR04-permit', consentRef: 'ggz-altrecht:Consent/9/_history/1' }], runId: 'run-1', batchId: 'batch-1',
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('werkbrug privacy access-request', () => {
  const state = scratchState('access-request');
  const configFile = join(state.dir, 'region.yaml');
  const outDir = join(state.dir, 'answer');
  const env = demoEnv({ WERKBRUG_PSEUDONYM_KEY: key.key.toString('hex'), WERKBRUG_PSEUDONYM_KEY_ID: key.keyId });
  const actor = { user: 'fg-anna', onBehalfOf: 'FG ggz-altrecht', authorisation: 'AVG15-2026-007' };
  let printed = '';
  let exitCode = -1;
  let erasureTable = false;
  const logs = new LogSink();

  async function withStore<T>(fn: (store: SqlStore, sql: Awaited<ReturnType<typeof createPgliteClient>>) => Promise<T>): Promise<T> {
    const sql = await createPgliteClient({ schema: 'werkbrug', dataDir: state.storeDir });
    const store = new SqlStore(sql);
    try {
      await store.migrate();
      return await fn(store, sql);
    } finally {
      await sql.close();
    }
  }

  async function run(stdin: string, options: Record<string, unknown> = {}, extra: string[] = []): Promise<{ code: number; output: string }> {
    let output = '';
    const capture = (chunk: string | Uint8Array): boolean => {
      output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const code = await accessRequestCommand({ config: configFile, ...actor, ...options }, extra, env, { stdin: Readable.from([stdin]), logDestination: logs });
      return { code, output };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  beforeAll(async () => {
    writeFileSync(configFile, readFileSync('config/midden-utrecht.yaml', 'utf8').replace('embeddedDir: .werkbrug/store', `embeddedDir: ${state.storeDir}`));
    mkdirSync(state.storeDir, { recursive: true });
    await withStore(async (store, sql) => {
      await ingest(store, [referral({ id: 'a1', version: '1', person: personA }), referral({ id: 'a2', version: '1', person: personA }), referral({ id: 'b1', version: '1', person: personB })]);
      await ingest(store, [referral({ id: 'a1', version: '2', person: personA, modifiedAt: '2025-03-05T10:00:00Z', status: 'started' })]);
      const { lineage: _l, purposes: _p, format: _f, ...draft } = referral({ id: 'a3', version: '1', person: personA });
      await store.transaction(async (tx) => {
        await tx.savePending([{ partnerId: 'ggz-altrecht', stream: 'referrals', recordKey: 'ggz-altrecht:ServiceRequest/a3', person: personA, draft: draft as DraftRecord, connector: 'ggz-fhir@1.0.0', mappingVersion: 'm1', waitingSince: '2025-03-03T10:00:00.000Z', runId: 'run-1' }]);
        await tx.appendConsentLog([
          decision(personAOld, 'ggz-altrecht:ServiceRequest/a0/_history/1', '2024-11-01T10:00:00.000Z'),
          { ...decision(personA, null, '2025-01-01T10:00:00.000Z'), kind: 'relink', outcome: 'relink', purposes: [], detail: { previous: personAOld } },
          decision(personA, 'ggz-altrecht:ServiceRequest/a1/_history/1', '2025-03-02T10:00:00.000Z'),
          decision(personB, 'ggz-altrecht:ServiceRequest/b1/_history/1', '2025-03-02T10:00:01.000Z'),
        ]);
      });
      erasureTable = (await store.listTables()).includes('erasure_receipts');
      if (erasureTable) {
        await sql.query(`INSERT INTO erasure_receipts (receipt_id, person, purpose, partner_id, rule, withdrawal_rule, rows_updated, rows_deleted, history_rows_updated, history_rows_deleted, pending_deleted, log_seq, log_hash, erased_at)
          VALUES ('er-a', $1, 'P_WETENSCHAP', 'ggz-altrecht', 'CR20-withdrawn-erasure', 'CR07-withdrawn', 0, 1, 0, 0, 0, 900, $3, now()),
                 ('er-b', $2, 'P_WETENSCHAP', 'ggz-altrecht', 'CR20-withdrawn-erasure', 'CR07-withdrawn', 0, 1, 0, 0, 0, 901, $3, now())`, [personA, personB, 'c'.repeat(64)]);
      }
    });
    ({ code: exitCode, output: printed } = await run(`${typedBsn}\n`, { out: outDir }));
  }, 60_000);

  afterAll(() => state.cleanup());

  const report = (): AccessRequestReport => JSON.parse(readFileSync(join(outDir, 'access-request.json'), 'utf8')) as AccessRequestReport;

  it('answers with exactly this person\'s rows, under the current and the earlier pseudonym', () => {
    expect(exitCode).toBe(0);
    const r = report();
    expect(r.pseudonyms).toEqual([{ pseudonym: personA, keyId: 'access-test', current: true }, { pseudonym: personAOld, keyId: 'access-old', current: false }]);
    expect(r.records.map((row) => row.recordKey)).toEqual(['ggz-altrecht:ServiceRequest/a1', 'ggz-altrecht:ServiceRequest/a2']);
    expect(r.recordHistory.map((row) => [row.recordKey, row.version])).toEqual([['ggz-altrecht:ServiceRequest/a1', '1']]);
    expect(r.pending.map((row) => row.recordKey)).toEqual(['ggz-altrecht:ServiceRequest/a3']);
    expect(r.consentLog.map((row) => [row.seq, row.kind, row.person])).toEqual([[1, 'decision', personAOld], [2, 'relink', personA], [3, 'decision', personA]]);
    expect(r.erasureReceipts.map((row) => row.receipt_id)).toEqual(erasureTable ? ['er-a'] : []);
    expect(r.explanations.purposes).toEqual({ P_MONITOR_REGIO: 'Regionale monitoring Hoofdzaak Werk' });
    const both = `${readFileSync(join(outDir, 'access-request.json'), 'utf8')}${readFileSync(join(outDir, 'access-request.html'), 'utf8')}`;
    expect(both).not.toContain(personB);
    expect(both).not.toContain('ServiceRequest/b1');
  });

  it('writes a readable, self-contained HTML page with the codes in words, escaped', () => {
    const html = readFileSync(join(outDir, 'access-request.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="nl">/);
    expect(html).toContain('Regionale monitoring Hoofdzaak Werk (<code>P_MONITOR_REGIO</code>)');
    expect(html).toContain('aanmelding voor IPS');
    expect(html).toContain('The most recent active consent naming the purpose permits it');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('keeps the answer to its operator: folder 0700, files 0600', () => {
    expect(statSync(outDir).mode & 0o777).toBe(0o700);
    for (const file of ['access-request.json', 'access-request.html']) expect(statSync(join(outDir, file)).mode & 0o777).toBe(0o600);
  });

  it('writes the BSN nowhere: not the answer, the store (tables and files) or the messages', async () => {
    const needles = [bsn, typedBsn, otherBsn];
    for (const file of filesUnder(state.dir)) {
      const bytes = readFileSync(file);
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle)), `${file} holds a BSN`).toBe(false);
    }
    await withStore(async (store) => {
      for (const table of await store.listTables()) {
        const dump = (await store.dumpTable(table)).join('\n');
        for (const needle of needles) expect(dump, table).not.toContain(needle);
      }
    });
    expect(printed).toContain(`access request answered for ${personA}`);
    for (const needle of needles) expect(printed).not.toContain(needle);
    for (const needle of needles) expect(logs.lines.join('\n')).not.toContain(needle);
  });

  it('records the access, with the actor and the counts, in a verifiable access log', async () => {
    const entries = await withStore((store) => store.readAccessLog({}));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.content).toMatchObject({
      event: 'access-request', person: personA, ...actor,
      detail: { pseudonyms: 2, records: 2, recordHistory: 1, pending: 1, consentLog: 3, erasureReceipts: erasureTable ? 1 : 0 },
    });
    expect(report().accessLog).toEqual({ seq: 1, ref: `al1:${entries[0]?.hash ?? ''}` });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await accessLogVerifyCommand(configFile, env)).toBe(0);
    } finally {
      out.mockRestore();
    }
  });

  it('during a key rotation window also finds the rows under the previous key\'s pseudonym', async () => {
    const windowKey = { keyId: 'access-window', key: Buffer.from('c9'.repeat(32), 'hex') };
    const underWindowKey = new Pseudonymiser(windowKey).person(bsn);
    await withStore((store) => ingest(store, [referral({ id: 'a9', version: '1', person: underWindowKey })]));
    const windowEnv = { ...env, WERKBRUG_PSEUDONYM_PREVIOUS_KEY: windowKey.key.toString('hex'), WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID: windowKey.keyId };
    const out = join(state.dir, 'window');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await accessRequestCommand({ config: configFile, out, ...actor }, [], windowEnv, { stdin: Readable.from([`${bsn}\n`]), logDestination: logs })).toBe(0);
    } finally {
      stdout.mockRestore();
    }
    const answer = JSON.parse(readFileSync(join(out, 'access-request.json'), 'utf8')) as AccessRequestReport;
    expect(answer.pseudonyms[0]).toEqual({ pseudonym: personA, keyId: 'access-test', current: true });
    expect(new Set(answer.pseudonyms.map((p) => p.pseudonym))).toEqual(new Set([personA, personAOld, underWindowKey]));
    expect(answer.records.map((row) => row.recordKey)).toContain('ggz-altrecht:ServiceRequest/a9');
    expect(answer.records.map((row) => row.recordKey)).not.toContain('ggz-altrecht:ServiceRequest/b1');
  });

  it('refuses an invalid BSN plainly, exit 2, naming nothing but the reason and recording nothing', async () => {
    const { code, output } = await run('123456789\n', { out: join(state.dir, 'invalid') });
    expect(code).toBe(2);
    expect(output).toMatch(/WB_PRIVACY_INPUT_INVALID standard input: expected a valid BSN.*fails the 11-proef/);
    expect(output).not.toContain('123456789');
    expect((await run('\n', { out: join(state.dir, 'empty') })).output).toMatch(/no BSN was given/);
    expect(await withStore((store) => store.readAccessLog({}))).toHaveLength(2);
  });

  it('refuses a BSN given as an argument or option, without repeating it', async () => {
    const { code, output } = await run(`${bsn}\n`, { out: join(state.dir, 'argument') }, ['--bsn', otherBsn]);
    expect(code).toBe(2);
    expect(output).toMatch(/command-line argument 2: expected no BSN on the command line; it looks like a BSN/);
    expect(output).not.toContain(otherBsn);
    const refused = await run(`${bsn}\n`, { out: join(state.dir, 'authorisation'), authorisation: `request ${otherBsn}` });
    expect(refused.code).toBe(2);
  });

  it('as a process refuses a BSN on the command line with exit 2', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'privacy', 'access-request', '-c', configFile, '999 99 3653'], { env, encoding: 'utf8', input: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/looks like a BSN, and the command line is visible to every user of this machine/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/999 ?99 ?3653/);
  });
});
