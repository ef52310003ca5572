import { describe, expect, it } from 'vitest';
import { draftRecordSchema } from '../../src/trajectory/trajectory-record.js';
import { trajectorySchemaValidator } from '../../test/support/trajectory-schema.js';
import { demoPseudonymiser, edgeOf, fixtureText, ikvKey, personItem, uvKey } from './fixtures/test-kit.js';

/** The spec's own examples (§7.2, §7.3) through the edge, with the results the spec states. */
const P1 = '999990019';
const P2 = '999990032';
const asked = { from: '2024-02-03', to: '2025-08-02' };
const validate = trajectorySchemaValidator();

function asStored(draft: unknown): unknown {
  return {
    format: 'werkbrug.trajectory/1',
    ...(draft as object),
    purposes: ['P_MONITOR_REGIO'],
    lineage: { ingested_at: '2025-08-03T02:00:00Z', connector: 'uwv-suwinet@0.1.0', mapping_version: '2026.11', batch_id: 'b1-2025-08-03-uwv-0001', content_hash: `sha256:${'0'.repeat(64)}`, consent_decision: `cl1:${'1'.repeat(64)}` },
  };
}

describe('P1 (spec §7.2): bijstand until May, then the job', () => {
  const out = edgeOf([personItem(P1, asked, { ikv: fixtureText('spec/p1-ikv-answer.xml') })]);

  it('gives two relations: a PW_BIJSTAND benefit and an employment at the LKS employer', () => {
    expect(out.rejections).toEqual([]);
    const [bijstand, job] = out.records.map((r) => r.draft);
    expect(bijstand).toEqual({
      record_kind: 'benefit',
      person: demoPseudonymiser.person(P1),
      subject: { as_of: '2023-03-01', age_band: 'UNKNOWN' },
      source: { partner_id: 'uwv', record_ref: `${ikvKey(P1, '823456717L01', '1')}/p/2025-07`, record_key: ikvKey(P1, '823456717L01', '1'), version: 'p2025-07', modified_at: null },
      benefit: { benefit_type: 'PW_BIJSTAND', start_date: '2023-03-01', end_date: '2025-05-31', ikv_code: '43' },
    });
    expect(job?.employment).toEqual({
      start_date: '2025-06-01',
      relation: 'employee',
      ikv_code: '15',
      employer_key: demoPseudonymiser.employerKey('812345605L01'),
      competitive: 'unknown',
      hours_band: 'H20_31',
      observed_until: '2025-07-31',
    });
    expect(job?.source.record_key).toBe(ikvKey(P1, '812345605L01', '1'));
  });

  it('gives an inkomsten snapshot for the delivered period and an empty one for werknemersverzekeringen', () => {
    expect(out.snapshots).toEqual([
      { person: demoPseudonymiser.person(P1), keyPrefix: 'uwv:ikv/', period: { from: '2024-02-03', to: '2025-07-31' }, recordKeys: [ikvKey(P1, '823456717L01', '1'), ikvKey(P1, '812345605L01', '1')] },
      { person: demoPseudonymiser.person(P1), keyPrefix: 'uwv:uv/', period: asked, recordKeys: [] },
    ]);
    expect(out.personCounts).toMatchObject({ asked: 1, answered: 1 });
  });

  it('drafts validate against the draft schema and, as stored, the published JSON Schema', () => {
    for (const record of out.records) {
      expect(draftRecordSchema.safeParse(record.draft).success).toBe(true);
      expect(validate(asStored(record.draft)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('keeps no name, address, FiNr, loonheffingennummer, amount or BSN', () => {
    const text = JSON.stringify(out);
    for (const secret of [P1, 'Grand Café', 'Zaak', 'Voorstraat', '3512JE', 'UTRECHT', 'Gemeente Utrecht', '812345605', '823456717', '148720', '154440', '114235']) expect(text).not.toContain(secret);
  });
});

describe('P2 (spec §7.3): WGA', () => {
  const out = edgeOf([personItem(P2, asked, { wv: fixtureText('spec/p2-wv-answer.xml') })]);

  it('gives one ongoing WIA_WGA benefit since 2022-09-15, and drops the disability class and amounts', () => {
    expect(out.records.map((r) => r.draft)).toEqual([{
      record_kind: 'benefit',
      person: demoPseudonymiser.person(P2),
      subject: { as_of: '2022-09-15', age_band: 'UNKNOWN' },
      source: { partner_id: 'uwv', record_ref: `${uvKey(P2, 'WGA', '20220915')}/p/2025-08`, record_key: uvKey(P2, 'WGA', '20220915'), version: 'p2025-08', modified_at: null },
      benefit: { benefit_type: 'WIA_WGA', start_date: '2022-09-15' },
    }]);
    expect(JSON.stringify(out)).not.toMatch(/121050|20200914|CdArbeidsongeschiktheidsklasse/);
  });
});

describe('shapes seen in published answers', () => {
  const relation = (periods: string) => `<smls:UWVPersoonsIkvInfoResponse xmlns:smls="http://bkwi.nl/SuwiML/Diensten/UWVDossierInkomstenGSD/v0200"><ClientSuwi><Burgerservicenr>${P1}</Burgerservicenr><Inkomstenverhouding><VolgnrIkv>2</VolgnrIkv><DatBIkv>20240101</DatBIkv><AdministratieveEenheid><Loonheffingennr>812345605L01</Loonheffingennr></AdministratieveEenheid>${periods}<Inkomstenopgave><DatBIko>20240101</DatBIko><DatEIko>20240131</DatEIko><AantVerloondeUrenIko>40</AantVerloondeUrenIko></Inkomstenopgave></Inkomstenverhouding></ClientSuwi></smls:UWVPersoonsIkvInfoResponse>`;
  const period = (from: string, to: string, srt: string, aard: string) => `<Inkomstenperiode><DatBIkp>${from}</DatBIkp><DatEIkp>${to}</DatEIkp><CdSrtIkv>${srt}</CdSrtIkv><CdTypeArbeidscontract>U</CdTypeArbeidscontract><CdAardIkv>${aard}</CdAardIkv></Inkomstenperiode>`;

  it('reads periods listed newest first in date order, and accepts CdTypeArbeidscontract U', () => {
    const out = edgeOf([personItem(P1, asked, { ikv: relation(period('20240301', '20240331', '15', '01') + period('20240201', '20240229', '15', '11') + period('20240101', '20240131', '15', '11')) })]);
    expect(out.rejections).toEqual([]);
    expect(out.records.map((r) => [r.draft.employment?.relation, r.draft.employment?.start_date, r.draft.employment?.end_date])).toEqual([['temp_agency', '2024-01-01', '2024-02-29'], ['employee', '2024-03-01', undefined]]);
  });
});

describe('a relation that cannot be read', () => {
  // P1's answer with the job's start date broken (U06 style): that relation is quarantined.
  const broken = fixtureText('spec/p1-ikv-answer.xml').replace('<DatBIkv>20250601</DatBIkv>', '<DatBIkv>20250000</DatBIkv>');
  const out = edgeOf([personItem(P1, asked, { ikv: broken })]);

  it('is quarantined, and withholds the inkomsten snapshot so no stored row is removed because of it', () => {
    expect(out.rejections.map((r) => r.reason)).toEqual(['invalid-date']);
    expect(out.snapshots?.map((s) => s.keyPrefix)).toEqual(['uwv:uv/']);
    expect(out.personCounts).toMatchObject({ 'snapshot-withheld': 1 });
  });
});
