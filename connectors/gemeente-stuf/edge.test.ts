import { describe, expect, it } from 'vitest';
import { edgeContext, edgeOf, demoPseudonymiser, objectItem } from './fixtures/test-kit.js';
import { edgeCaseSet } from './sandbox/edge-cases.js';
import { mutationSpecs } from './sandbox/object-plan.js';
import { renderNode, standardStyle } from './sandbox/xml-node.js';
import type { StufItem } from './item.js';

/** P1's objects exactly as spec §4.2 and §4.4 print them. */
const p1Riv = `<PW:object StUF:entiteittype="RIV" StUF:sleutelGegevensbeheer="RV000317">
  <PW:mutatievolgnummer>10381</PW:mutatievolgnummer><PW:mutatiesoort>W</PW:mutatiesoort>
  <PW:identificatie>0344-RV-2025-000317</PW:identificatie><PW:gemeentecode>0344</PW:gemeentecode>
  <PW:typeVoorziening>IPS</PW:typeVoorziening><PW:omschrijving>IPS via Altrecht, werkwens horeca, contact via moeder</PW:omschrijving>
  <PW:doel>W</PW:doel><PW:indicatieIps>J</PW:indicatieIps><PW:verwijzer>GEM</PW:verwijzer><PW:kenmerkVerwijzing>VW-2025-000042</PW:kenmerkVerwijzing>
  <PW:financiering>SUBSIDIE-IPS</PW:financiering><PW:datumAanvraag>20250116</PW:datumAanvraag><PW:besluit>TOEGEKEND</PW:besluit>
  <PW:datumBesluit>20250129</PW:datumBesluit><PW:datumAanvang>20250203</PW:datumAanvang>
  <PW:datumEinde xsi:nil="true" StUF:noValue="geenWaarde"/><PW:redenBeeindiging xsi:nil="true" StUF:noValue="geenWaarde"/>
  <PW:heeftAlsClient StUF:entiteittype="RIVNPS"><PW:gerelateerde StUF:entiteittype="NPS">
    <PW:inp.bsn>999990019</PW:inp.bsn><PW:geslachtsnaam>Vries</PW:geslachtsnaam><PW:voorvoegselGeslachtsnaam>de</PW:voorvoegselGeslachtsnaam>
    <PW:voornamen>Sanne</PW:voornamen><PW:geboortedatum>19910614</PW:geboortedatum><PW:geslachtsaanduiding>V</PW:geslachtsaanduiding>
  </PW:gerelateerde></PW:heeftAlsClient>
  <PW:heeftAlsBehandelaar StUF:entiteittype="RIVMDW"><PW:gerelateerde StUF:entiteittype="MDW"><PW:naam>R. Janssen (klantmanager)</PW:naam></PW:gerelateerde></PW:heeftAlsBehandelaar>
  <StUF:tijdstipRegistratie>20250203091512345</StUF:tijdstipRegistratie>
</PW:object>`;

const p1RivRemoved = `<PW:object StUF:entiteittype="RIV" StUF:sleutelGegevensbeheer="RV000288"><PW:mutatievolgnummer>10395</PW:mutatievolgnummer><PW:mutatiesoort>V</PW:mutatiesoort><PW:identificatie>0344-RV-2025-000288</PW:identificatie><PW:gemeentecode>0344</PW:gemeentecode></PW:object>`;

const p1Pwu = `<PW:object StUF:entiteittype="PWU" StUF:sleutelGegevensbeheer="PW004411">
  <PW:mutatievolgnummer>10402</PW:mutatievolgnummer><PW:mutatiesoort>W</PW:mutatiesoort><PW:identificatie>0344-PW-2023-004411</PW:identificatie>
  <PW:gemeentecode>0344</PW:gemeentecode><PW:soortUitkering>PW</PW:soortUitkering><PW:datumAanvang>20230301</PW:datumAanvang>
  <PW:datumEinde>20250531</PW:datumEinde><PW:redenBeeindiging>WA</PW:redenBeeindiging><PW:leefvorm>A</PW:leefvorm>
  <PW:heeftAlsClient StUF:entiteittype="PWUNPS"><PW:gerelateerde StUF:entiteittype="NPS"><PW:inp.bsn>999990019</PW:inp.bsn><PW:geboortedatum>19910614</PW:geboortedatum></PW:gerelateerde></PW:heeftAlsClient>
  <StUF:tijdstipRegistratie>20250602083000000</StUF:tijdstipRegistratie>
</PW:object>`;

const p1Lks = `<PW:object StUF:entiteittype="LKS" StUF:sleutelGegevensbeheer="LK000088">
  <PW:mutatievolgnummer>10407</PW:mutatievolgnummer><PW:mutatiesoort>T</PW:mutatiesoort><PW:identificatie>0344-LKS-2025-000088</PW:identificatie>
  <PW:gemeentecode>0344</PW:gemeentecode><PW:soortLoonkostensubsidie>LKS</PW:soortLoonkostensubsidie><PW:datumAanvang>20250601</PW:datumAanvang>
  <PW:datumEinde xsi:nil="true" StUF:noValue="geenWaarde"/><PW:loonwaardePercentage>65</PW:loonwaardePercentage><PW:urenPerWeek>24.00</PW:urenPerWeek>
  <PW:werkgever><PW:loonheffingennummer>812345605L01</PW:loonheffingennummer><PW:kvkNummer>30123456</PW:kvkNummer><PW:naam>Grand Café De Zaak B.V.</PW:naam></PW:werkgever>
  <PW:arbeidsovereenkomst><PW:datumIngang>20250601</PW:datumIngang><PW:datumEinde>20251130</PW:datumEinde><PW:soort>B</PW:soort></PW:arbeidsovereenkomst>
  <PW:redenBeeindiging xsi:nil="true" StUF:noValue="geenWaarde"/><PW:hoortBijVoorziening>0344-RV-2025-000317</PW:hoortBijVoorziening>
  <PW:heeftAlsClient StUF:entiteittype="LKSNPS"><PW:gerelateerde StUF:entiteittype="NPS"><PW:inp.bsn>999990019</PW:inp.bsn></PW:gerelateerde></PW:heeftAlsClient>
  <StUF:tijdstipRegistratie>20250602091210000</StUF:tijdstipRegistratie>
</PW:object>`;

const p1Secrets = ['Sanne', 'Vries', '999990019', '19910614', 'horeca', 'moeder', 'Janssen', 'VW-2025', 'Grand Café', '30123456', '812345605', 'RV000317'];
const p1 = demoPseudonymiser.person('999990019');

describe('gemeenteEdge on P1 (spec §4.2, §4.4)', () => {
  it('maps the IPS provision to a funder trajectory: requested 2025-01-16, granted 2025-01-29, start 2025-02-03', () => {
    const out = edgeOf([objectItem('RIV', p1Riv)]);
    expect(out.rejections).toEqual([]);
    expect(out.records[0]?.draft).toEqual({
      record_kind: 'trajectory',
      person: p1,
      subject: { as_of: '2025-02-03', age_band: 'A27_34', gemeente_code: '0344', arbeidsmarktregio_code: 'AM13' },
      source: { partner_id: 'gem-utrecht', record_ref: 'gem-utrecht:RIV/0344-RV-2025-000317/mut/10381', record_key: 'gem-utrecht:RIV/0344-RV-2025-000317', version: '10381', modified_at: null },
      trajectory: {
        programme: 'IPS', funding_stream: 'GEM_IPS_SUBSIDIE', start_date: '2025-02-03',
        events: [{ code: 'FUNDING_REQUESTED', date: '2025-01-16' }, { code: 'FUNDING_GRANTED', date: '2025-01-29' }],
      },
    });
  });

  it('maps the bijstand to a PW_BIJSTAND benefit from 2023-03-01 to 2025-05-31', () => {
    const draft = edgeOf([objectItem('PWU', p1Pwu)]).records[0]?.draft;
    expect(draft?.benefit).toEqual({ benefit_type: 'PW_BIJSTAND', start_date: '2023-03-01', end_date: '2025-05-31' });
    expect(draft?.subject).toEqual({ as_of: '2025-05-31', age_band: 'A27_34', gemeente_code: '0344', arbeidsmarktregio_code: 'AM13' });
    expect(draft?.source.record_ref).toBe('gem-utrecht:PWU/0344-PW-2023-004411/mut/10402');
  });

  it('maps the loonkostensubsidie placement to an employment with GEM_LKS, the keyed employer and hours band H20_31', () => {
    const draft = edgeOf([objectItem('LKS', p1Lks)]).records[0]?.draft;
    expect(draft?.employment).toEqual({
      start_date: '2025-06-01', end_date: '2025-11-30', relation: 'employee', employer_key: demoPseudonymiser.employerKey('812345605L01'),
      competitive: 'unknown', hours_band: 'H20_31', support: ['GEM_LKS'],
    });
    // The LKS object carries no birth date.
    expect(draft?.subject).toEqual({ as_of: '2025-06-01', age_band: 'UNKNOWN', gemeente_code: '0344', arbeidsmarktregio_code: 'AM13' });
  });

  it('turns a V into a tombstone without person, subject or payload', () => {
    expect(edgeOf([objectItem('RIV', p1RivRemoved)]).records[0]?.draft).toEqual({
      record_kind: 'trajectory',
      source: { partner_id: 'gem-utrecht', record_ref: 'gem-utrecht:RIV/0344-RV-2025-000288/mut/10395', record_key: 'gem-utrecht:RIV/0344-RV-2025-000288', version: '10395', modified_at: null, deleted: true },
    });
  });

  it('lets no name, BSN, birth date, free text, employer name or number leave the edge', () => {
    const text = JSON.stringify([edgeOf([objectItem('RIV', p1Riv)]), edgeOf([objectItem('PWU', p1Pwu)]), edgeOf([objectItem('LKS', p1Lks)])]);
    for (const secret of p1Secrets) expect(text).not.toContain(secret);
  });

  it('adds the birth year only when asked', () => {
    expect(edgeOf([objectItem('RIV', p1Riv)], edgeContext({ keepBirthYear: true })).records[0]?.draft.subject?.birth_year).toBe(1991);
  });

  it('maps a refused application without a start, with FUNDING_REFUSED', () => {
    const refused = p1Riv.replace('<PW:besluit>TOEGEKEND</PW:besluit>', '<PW:besluit>AFGEWEZEN</PW:besluit>');
    const draft = edgeOf([objectItem('RIV', refused)]).records[0]?.draft;
    expect(draft?.trajectory).toEqual({
      programme: 'IPS', funding_stream: 'GEM_IPS_SUBSIDIE',
      events: [{ code: 'FUNDING_REQUESTED', date: '2025-01-16' }, { code: 'FUNDING_REFUSED', date: '2025-01-29' }],
    });
    expect(draft?.subject?.as_of).toBe('2025-01-29');
  });

  it('maps an ended provision with its end code, and nil as END_UNKNOWN', () => {
    const ended = p1Riv.replace('<PW:datumEinde xsi:nil="true" StUF:noValue="geenWaarde"/><PW:redenBeeindiging xsi:nil="true" StUF:noValue="geenWaarde"/>', '<PW:datumEinde>20251231</PW:datumEinde><PW:redenBeeindiging>01</PW:redenBeeindiging>');
    expect(edgeOf([objectItem('RIV', ended)]).records[0]?.draft.trajectory).toMatchObject({ end_date: '2025-12-31', end_code: 'END_WORK_SUSTAINED' });
    const noReason = p1Riv.replace('<PW:datumEinde xsi:nil="true" StUF:noValue="geenWaarde"/>', '<PW:datumEinde>20251231</PW:datumEinde>');
    expect(edgeOf([objectItem('RIV', noReason)]).records[0]?.draft.trajectory).toMatchObject({ end_date: '2025-12-31', end_code: 'END_UNKNOWN' });
  });

  it('keeps employment-level funding out of the trajectory: financiering LKS is OTHER and counted by code', () => {
    const out = edgeOf([objectItem('RIV', p1Riv.replace('SUBSIDIE-IPS', 'LKS'))]);
    expect(out.records[0]?.draft.trajectory?.funding_stream).toBe('OTHER');
    expect(out.personCounts).toEqual({ 'unmapped-financiering-lks': 1 });
  });
});

/** The sandbox's edge-case objects, rendered and read back as pull() would hand them over. */
function edgeItems(code: string): StufItem[] {
  const set = edgeCaseSet('0344', Date.parse('2025-06-02T06:00:00+02:00'));
  let n = 20_000;
  return set.plans.filter((plan) => plan.edgeCase === code).flatMap((plan) =>
    mutationSpecs(plan).map((spec) => {
      n += 1;
      return objectItem(plan.key.type, renderNode(spec.build(n, '20250602100000000'), standardStyle).join(''));
    }),
  );
}

describe('gemeenteEdge on the edge cases of spec §7', () => {
  const rejected = (code: string) => edgeOf(edgeItems(code)).rejections.map((r) => [r.reason, r.field]);

  it.each([
    ['G01', 'bsn-missing'],
    ['G02', 'bsn-missing'],
    ['G03', 'bsn-withheld'],
    ['G04', 'bsn-invalid'],
  ])('%s: quarantines the record as %s at inp.bsn', (code, reason) => {
    expect(rejected(code)).toEqual([[reason, 'heeftAlsClient.gerelateerde.inp.bsn']]);
  });

  it('G05: normalises 10000021 to P8\'s BSN 010000021', () => {
    expect(edgeOf(edgeItems('G05')).records[0]?.draft.person).toBe(demoPseudonymiser.person('010000021'));
  });

  it('G06: typeVoorziening XX is unknown-code', () => expect(rejected('G06')).toEqual([['unknown-code', 'typeVoorziening']]));

  it('G07: 20250230 and 00000000 are invalid-date; 20250300 with day unknown starts on 2025-03-31', () => {
    const out = edgeOf(edgeItems('G07'));
    expect(out.rejections.map((r) => [r.reason, r.field])).toEqual([['invalid-date', 'datumAanvang'], ['invalid-date', 'datumAanvang']]);
    expect(out.records.map((r) => r.draft.trajectory?.start_date)).toEqual(['2025-03-31']);
  });

  it('G08: an end before the start is invalid-period', () => expect(rejected('G08')).toEqual([['invalid-period', 'datumEinde']]));

  it('G09: the same object twice on one page is stored once', () => {
    const [item] = edgeItems('G09');
    const out = edgeOf(item ? [item, item] : []);
    expect(out.records).toHaveLength(1);
    expect(out.absorbed).toBe(1);
  });

  it('G10: T, W and V of one object on one page come out in order, the last a tombstone', () => {
    const drafts = edgeOf(edgeItems('G10')).records.map((r) => r.draft);
    expect(drafts.map((d) => [d.source.version, d.source.deleted ?? false, d.trajectory?.start_date])).toEqual([
      ['20001', false, undefined], ['20002', false, '2025-03-03'], ['20003', true, undefined],
    ]);
    expect(new Set(drafts.map((d) => d.source.record_key)).size).toBe(1);
  });

  it('G11: a V with only its keys is a tombstone by source reference', () => {
    expect(edgeOf(edgeItems('G11')).records[0]?.draft).toMatchObject({ record_kind: 'trajectory', source: { record_key: 'gem-utrecht:RIV/0344-RV-EDGE-G11', deleted: true } });
  });

  it('G12: drops a 500 KB omschrijving with names and a BSN, and nothing of it leaves', () => {
    const items = edgeItems('G12');
    const out = edgeOf(items);
    expect(out.records).toHaveLength(1);
    const text = JSON.stringify(out);
    expect(text.length).toBeLessThan(2_000);
    expect(text).not.toContain('Randgeval');
    expect(text).not.toContain('Kerkstraat');
  });

  it('G13: hashes an identificatie that holds nine digits in every reference', () => {
    const draft = edgeOf(edgeItems('G13')).records[0]?.draft;
    const hashed = demoPseudonymiser.referenceHash('gem-utrecht', 'RIV/0344-RV-999990019');
    expect(draft?.source.record_key).toBe(`gem-utrecht:RIV/${hashed}`);
    expect(JSON.stringify(draft)).not.toContain('999990019');
  });

  it('G13: a rejection of such an object names the hashed reference too', () => {
    const g04 = edgeItems('G04')[0];
    if (!g04) throw new Error('no G04 item');
    const out = edgeOf([{ ...g04, object: { ...g04.object, children: g04.object.children.map((c) => (c.local === 'identificatie' ? { ...c, text: '0344-RV-999990019' } : c)) } }]);
    expect(out.rejections[0]?.sourceRef).toMatch(/^gem-utrecht:RIV\/h1-[A-Za-z0-9_-]{22}\/mut\/\d+$/);
  });

  it('G14: a gemeente outside the region is outside-region and not forwarded', () => expect(rejected('G14')).toEqual([['outside-region', 'gemeentecode']]));

  it('G16: ignores StUF:extraElementen', () => expect(edgeOf(edgeItems('G16')).records).toHaveLength(1));

  it('G17: the object with é and ë maps (the ISO-8859-1 answer is the pull test\'s)', () => expect(edgeOf(edgeItems('G17')).records[0]?.draft.employment?.hours_band).toBe('H20_31'));

  it('G18: tijdstipRegistratie in the repeated hour has no effect (modified_at stays null)', () => {
    expect(edgeOf(edgeItems('G18')).records[0]?.draft.source.modified_at).toBeNull();
  });

  it('G20: drops an employer name that is a person\'s name, keeps the keyed employer', () => {
    const out = edgeOf(edgeItems('G20'));
    expect(out.records[0]?.draft.employment?.employer_key).toBe(demoPseudonymiser.employerKey('812345605L01'));
    expect(JSON.stringify(out)).not.toContain('Boer');
  });

  it('G21: urenPerWeek 24,5 and loonwaardePercentage 120 are invalid-value', () => {
    expect(rejected('G21')).toEqual([['invalid-value', 'urenPerWeek'], ['invalid-value', 'loonwaardePercentage']]);
  });

  it('G22: soortUitkering WWB is OTHER, counted under its code', () => {
    const out = edgeOf(edgeItems('G22'));
    expect(out.records[0]?.draft.benefit?.benefit_type).toBe('OTHER');
    expect(out.personCounts).toEqual({ 'unmapped-soortuitkering-wwb': 1 });
  });

  it('G15 and G19 are the wire\'s and the cursor\'s: their objects map plainly', () => {
    expect(edgeOf(edgeItems('G15')).records).toHaveLength(1);
    expect(edgeOf(edgeItems('G19')).records).toHaveLength(2);
  });

  it('never puts a value in a rejection', () => {
    const all = ['G01', 'G02', 'G03', 'G04', 'G06', 'G07', 'G08', 'G14', 'G21'].flatMap((code) => edgeOf(edgeItems(code)).rejections);
    const text = JSON.stringify(all);
    for (const value of ['999990010', '20250230', 'XX', '24,5', '120', '1901']) expect(text).not.toContain(value);
  });
});
