import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeOutput } from '../../src/connector/connector.js';
import { hashBsn, P3, P7 } from '../../src/sandbox/index.js';
import { mergedCounts, pullAll, questionsFor, sandboxConfig, sandboxHttp, type PullRun } from './fixtures/pull-kit.js';
import { demoPseudonymiser } from './fixtures/test-kit.js';
import type { EdgeCase } from './sandbox/edge-cases.js';
import { startUwvSandbox, type UwvSandbox } from './sandbox/server.js';

/** Spec §8: every edge case the sandbox serves, pulled and mapped as in production. */
let sandbox: UwvSandbox;
let run: PullRun;
let cases: readonly EdgeCase[];

beforeAll(async () => {
  sandbox = await startUwvSandbox({ scenario: 'edge-cases', persons: 9, now: '2025-08-02T09:00:00+02:00' });
  cases = sandbox.edgeCases();
  run = await pullAll(sandboxConfig(sandbox, { personsPerPage: 50 }), sandboxHttp(sandbox, { retries: 0 }), questionsFor(sandbox, [...new Set(cases.map((c) => c.bsn))]));
});
afterAll(async () => sandbox.close());

const edge = (): EdgeOutput => run.edges[0] as EdgeOutput;
const bsnOf = (id: string): string => cases.find((c) => c.id === id)?.bsn ?? '';
const person = (id: string): string => demoPseudonymiser.person(bsnOf(id));
const recordsOf = (id: string) => edge().records.map((r) => r.draft).filter((d) => d.person === person(id));
const itemOf = (id: string) => run.pages[0]!.items.find((i) => i.bsn === bsnOf(id))!;
const snapshotsOf = (id: string) => (edge().snapshots ?? []).filter((s) => s.person === person(id));

describe('UWV edge cases (spec §8)', () => {
  it('serves every case U01–U21 with a stable id', () => {
    const ids = cases.map((c) => c.id.slice(0, 3));
    for (let n = 1; n <= 21; n += 1) expect(ids).toContain(`U${String(n).padStart(2, '0')}`);
  });

  it('U01: NietsGevonden gives empty snapshots, not an error', () => {
    expect(bsnOf('U01')).toBe(P7.bsn);
    expect(snapshotsOf('U01').map((s) => [s.keyPrefix, s.recordKeys.length])).toEqual([['uwv:ikv/', 0], ['uwv:uv/', 0]]);
  });

  it('U02: FWI0020 in the body is counted per person, not retried, and gives no snapshot', () => {
    expect([itemOf('U02').ikv, itemOf('U02').wv]).toEqual([{ kind: 'refused', code: 'FWI0020' }, { kind: 'refused', code: 'FWI0020' }]);
    expect(sandbox.journal().filter((e) => e.bsnHash === hashBsn(bsnOf('U02')))).toHaveLength(2);
    expect(snapshotsOf('U02')).toEqual([]);
  });

  it('U03: an answer about another BSN is one bsn-mismatch rejection per service and nothing else', () => {
    expect(recordsOf('U03')).toEqual([]);
    expect(snapshotsOf('U03')).toEqual([]);
    const mismatches = edge().rejections.filter((r) => r.reason === 'bsn-mismatch');
    expect(mismatches).toHaveLength(2);
    expect(mismatches[0]).toMatchObject({ field: 'ClientSuwi.Burgerservicenr', sourceRef: expect.stringMatching(/^uwv:ikv\/h1-[A-Za-z0-9_-]{22}\/p\/\d{4}-\d{2}$/) });
  });

  it('U04: answers not relating to the question are discarded, asked once more, then the person fails', () => {
    for (const id of ['U04a', 'U04b']) {
      expect(itemOf(id).ikv).toEqual({ kind: 'failed', why: 'relates-to' });
      expect(sandbox.journal().filter((e) => e.bsnHash === hashBsn(bsnOf(id)))).toHaveLength(4);
      expect(recordsOf(id)).toEqual([]);
    }
    expect(mergedCounts(run)['relates-to-mismatch']).toBe(8);
  });

  it('U05: no DatEIkv and DatEIkp 99991230 is open-ended', () => {
    expect(recordsOf('U05')[0]?.employment?.end_date).toBeUndefined();
  });

  it('U06: 20210300 starts 2021-03-31; 20210000 is invalid-date for that relation only; DatEIkv 00000000 is open', () => {
    const records = recordsOf('U06');
    expect(records.map((r) => [r.employment?.start_date, r.employment?.end_date])).toEqual([['2021-03-31', undefined], ['2022-01-01', undefined]]);
    expect(edge().rejections.filter((r) => r.reason === 'invalid-date')).toEqual([expect.objectContaining({ field: 'ClientSuwi.Inkomstenverhouding[1].DatBIkv' })]);
  });

  it('U07: VolgnrIkv 1 at two employers gives two records with different keys and employer keys', () => {
    const records = recordsOf('U07');
    expect(new Set(records.map((r) => r.source.record_key)).size).toBe(2);
    expect(new Set(records.map((r) => r.employment?.employer_key)).size).toBe(2);
  });

  it('U08: a change from 11 to 01 keeps both periods: temp_agency, then employee, back to back', () => {
    const [first, second] = recordsOf('U08');
    expect([first?.employment?.relation, second?.employment?.relation]).toEqual(['temp_agency', 'employee']);
    expect(first?.employment?.end_date).toBe(new Date(Date.parse(`${second?.employment?.start_date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
    expect(first?.employment?.employer_key).toBe(second?.employment?.employer_key);
  });

  it('U09: a household as employer: names and address dropped, employer_key kept', () => {
    expect(recordsOf('U09')[0]?.employment?.employer_key).toMatch(/^em1:/);
    expect(JSON.stringify(edge())).not.toMatch(/Verbeek|Wilhelmina|Zilverschoonlaan|3451BX|VLEUTEN/);
  });

  it('U10: a correcting return is netted before the band (168 h over 59–60 days: H12_19)', () => {
    expect(recordsOf('U10')[0]?.employment?.hours_band).toBe('H12_19');
  });

  it('U11, U15: deprecated and unknown elements are accepted', () => {
    expect(recordsOf('U11')).toHaveLength(1);
    expect(recordsOf('U15')).toHaveLength(1);
  });

  it('U12: CdSrtIkv 99 and CdSzWet XYZ become OTHER with the source code counted', () => {
    expect(recordsOf('U12').map((r) => [r.benefit?.benefit_type, r.benefit?.ikv_code])).toEqual([['OTHER', '99'], ['OTHER', undefined]]);
    expect(mergedCounts(run)).toMatchObject({ 'other-cdsrtikv-99': 1, 'other-cdszwet-xyz': 1 });
  });

  it('U13: pensions are dropped at the edge (absorbed)', () => {
    expect(recordsOf('U13')).toEqual([]);
    expect(edge().absorbed).toBeGreaterThanOrEqual(2);
  });

  it('U14: ten years at six employers (about 2 MB) is parsed within limits', () => {
    expect(recordsOf('U14')).toHaveLength(6);
  });

  it('U16: three namespace styles are read; the one with children in the service namespace is counted', () => {
    for (const id of ['U16a', 'U16b', 'U16c']) expect(recordsOf(id)).toHaveLength(1);
    expect(mergedCounts(run)['warning-namespace']).toBe(1);
  });

  it('U17: the inkomsten snapshot covers only the delivered period', () => {
    const [ikv, uv] = snapshotsOf('U17');
    expect(ikv?.period.from).toBe('2025-02-01');
    expect(uv?.period.from).toBe('2023-08-02');
  });

  it('U18: data with an FWI0060 warning are kept and the warning counted', () => {
    expect(recordsOf('U18')).toHaveLength(1);
    expect(mergedCounts(run)).toMatchObject({ warnings: 1, 'warning-fwi0060': 1 });
  });

  it('U19: CdSrtIkv 40 paid by an insurer is WIA_WGA', () => {
    expect(recordsOf('U19')[0]?.benefit?.benefit_type).toBe('WIA_WGA');
  });

  it('U20: beschut werk (CdAardIkv 20) is kept and marked not competitive', () => {
    expect(bsnOf('U20')).toBe(P3.bsn);
    expect(recordsOf('U20').map((r) => r.employment?.competitive)).toEqual(['unknown', 'no']);
  });

  it('U21: AantWerkurenPerWeekGrondslagUitk 2460 is invalid-value', () => {
    expect(edge().rejections.filter((r) => r.reason === 'invalid-value')).toEqual([
      expect.objectContaining({ field: 'ClientSuwi.Uitkeringsverhouding[0].AantWerkurenPerWeekGrondslagUitk', expected: expect.stringContaining('HHMM') }),
    ]);
  });

  it('balances: records + rejections + absorbed = relations read', () => {
    expect(edge().records.length + edge().rejections.length + edge().absorbed).toBe(run.pages[0]!.read);
  });
});
