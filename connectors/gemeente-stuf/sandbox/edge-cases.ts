import { amsterdamLocal, bsnFromPrefix, P8, X1 } from '../../../src/sandbox/index.js';
import type { QuarantineReason } from '../../../src/trajectory/codes.js';
import type { Entiteittype } from '../stuf-names.js';
import type { MutationExpectation, ObjectPlan, PlannedMutation } from './object-plan.js';
import type { LksState, PwuState, RivState, StufClient } from './objects.js';
import { pw, stuf, withChild, type XNode } from './xml-node.js';

/**
 * Every edge case of spec §7 the `edge-cases` scenario serves, with stable identificaties
 * (`{gemeente}-RV-EDGE-G07A`). Each process serves them with its own first gemeentecode, except
 * G14 (1901). Most are objects; G09 (the same object on two pages) is the pager's doing, G15 (PW
 * as the default namespace) and G17 (ISO-8859-1) are how every PWU and LKS answer of the scenario
 * is written, and G19 is a mutation held back until the next number has been served.
 */
export interface EdgeCase {
  readonly code: string;
  readonly title: string;
  readonly objects: ReadonlyArray<{ readonly entiteittype: Entiteittype; readonly identificatie: string }>;
  /** What the connector must do, in words (the per-mutation expectation is in the ground truth). */
  readonly expected: string;
  readonly reason?: QuarantineReason;
}

export interface EdgeCaseSet {
  readonly cases: readonly EdgeCase[];
  readonly plans: readonly ObjectPlan[];
}

/** The identificatie of the G09 object, which the pager serves on two pages. */
export function g09Identificatie(gemeente: string): string {
  return `${gemeente}-RV-EDGE-G09`;
}

// Edge-case persons: valid BSNs of their own range (994xxxxxx), apart from cast and canaries.
function edgeClient(k: number, extra: Partial<StufClient> = {}): StufClient {
  return { bsn: bsnFromPrefix(99_400_000 + 2 * k), familyName: 'Randgeval', givenNames: `Casus ${k}`, birthDate: '1990-05-15', gender: 'O', ...extra };
}

const riv: RivState = {
  typeVoorziening: 'IPS', doel: 'W', indicatieIps: 'J', verwijzer: 'GGZ', financiering: 'SUBSIDIE-IPS', datumAanvraag: '2025-02-03',
  besluit: 'TOEGEKEND', datumBesluit: '2025-02-17', datumAanvang: '2025-03-03',
};
const pwu: PwuState = { soortUitkering: 'PW', datumAanvang: '2024-04-01' };
const lks: LksState = {
  soortLoonkostensubsidie: 'LKS', datumAanvang: '2025-05-01', loonwaardePercentage: '60', urenPerWeek: '24.00',
  werkgever: { loonheffingennummer: '812345605L01', kvkNummer: '30123456', naam: 'Bakkerij Het Volkoren B.V.' },
  arbeidsovereenkomst: { datumIngang: '2025-05-01', soort: 'O' },
};

const replace = (name: string, node: XNode | undefined) => (object: XNode): XNode => withChild(object, name, node);

function beforeTijdstip(extra: XNode) {
  return (object: XNode): XNode => {
    const children = [...(object.children ?? [])];
    const at = children.findIndex((child) => child.name === 'tijdstipRegistratie');
    children.splice(at < 0 ? children.length : at, 0, extra);
    return { ...object, children };
  };
}

const reject = (reason: QuarantineReason): MutationExpectation => ({ outcome: 'rejection', reason });

export function edgeCaseSet(gemeente: string, anchorMs: number): EdgeCaseSet {
  const cases: EdgeCase[] = [];
  const plans: ObjectPlan[] = [];
  let minute = 0;
  const at = (): number => anchorMs + (minute += 1) * 60_000;

  const add = (
    code: string, title: string, expected: string, type: Entiteittype, suffix: string, client: StufClient | undefined,
    mutations: readonly PlannedMutation[], options: { gemeente?: string; reason?: QuarantineReason; identificatie?: string } = {},
  ): void => {
    const prefix = type === 'RIV' ? 'RV' : type === 'PWU' ? 'PW' : 'LKS';
    const identificatie = options.identificatie ?? `${gemeente}-${prefix}-EDGE-${code}${suffix}`;
    const known = cases.find((c) => c.code === code);
    const object = { entiteittype: type, identificatie };
    if (known) (known.objects as Array<typeof object>).push(object);
    else cases.push({ code, title, objects: [object], expected, ...(options.reason ? { reason: options.reason } : {}) });
    plans.push({
      key: { type, identificatie, sleutel: `EDGE${code}${suffix}`, gemeentecode: options.gemeente ?? gemeente },
      ...(client ? { client } : {}), person: `E-${code}${suffix}`, edgeCase: code, mutations,
    });
  };
  const rivT = (patch?: (o: XNode) => XNode, expect?: MutationExpectation, state: RivState = riv): PlannedMutation[] => [
    { soort: 'T', atMs: at(), state: { type: 'RIV', riv: state }, ...(patch ? { patch } : {}), ...(expect ? { expect } : {}) },
  ];

  add('G01', 'RIV whose gerelateerde has no inp.bsn', 'bsn-missing', 'RIV', '', edgeClient(1, { bsn: undefined }), rivT(undefined, reject('bsn-missing')), { reason: 'bsn-missing' });
  add('G02', 'inp.bsn nil with noValue waardeOnbekend', 'bsn-missing', 'RIV', '', edgeClient(2, { bsnNoValue: 'waardeOnbekend' }), rivT(undefined, reject('bsn-missing')), { reason: 'bsn-missing' });
  add('G03', 'inp.bsn nil with noValue nietGeautoriseerd', 'bsn-withheld; alert operations', 'RIV', '', edgeClient(3, { bsnNoValue: 'nietGeautoriseerd' }), rivT(undefined, reject('bsn-withheld')), { reason: 'bsn-withheld' });
  add('G04', 'inp.bsn 999990010 (X1, fails the 11-proef)', 'bsn-invalid', 'RIV', '', edgeClient(4, { bsn: X1.bsn }), rivT(undefined, reject('bsn-invalid')), { reason: 'bsn-invalid' });
  add('G05', 'inp.bsn 10000021 (P8, leading zero lost)', 'normalised to 010000021', 'RIV', '', { bsn: '10000021', birthDate: P8.birthDate }, rivT());
  add('G06', 'typeVoorziening XX', 'unknown-code', 'RIV', '', edgeClient(6), rivT(undefined, reject('unknown-code'), { ...riv, typeVoorziening: 'XX' }), { reason: 'unknown-code' });
  add('G07', 'datumAanvang 20250230', 'invalid-date', 'RIV', 'A', edgeClient(7), rivT(replace('datumAanvang', pw('datumAanvang', '20250230')), reject('invalid-date')), { reason: 'invalid-date' });
  add('G07', 'datumAanvang 00000000', 'invalid-date', 'RIV', 'B', edgeClient(7), rivT(replace('datumAanvang', pw('datumAanvang', '00000000')), reject('invalid-date')));
  add('G07', 'datumAanvang 20250300 with indOnvolledigeDatum D', 'accepted as 2025-03-31', 'RIV', 'C', edgeClient(7), rivT(replace('datumAanvang', pw('datumAanvang', '20250300', [['StUF', 'indOnvolledigeDatum', 'D']]))));
  add('G08', 'datumEinde before datumAanvang', 'invalid-period', 'RIV', '', edgeClient(8), rivT(undefined, reject('invalid-period'), { ...riv, datumEinde: '2025-02-01', redenBeeindiging: '03' }), { reason: 'invalid-period' });
  add('G09', 'the same object (identificatie + mutatievolgnummer) on two pages', 'stored once', 'RIV', '', edgeClient(9), rivT(), { identificatie: g09Identificatie(gemeente) });
  const g10: RivState = { ...riv, besluit: undefined, datumBesluit: undefined, datumAanvang: undefined };
  add('G10', 'T, W and V of one identificatie on one page', 'applied in order; ends removed', 'RIV', '', edgeClient(10), [
    { soort: 'T', atMs: at(), state: { type: 'RIV', riv: g10 } },
    { soort: 'W', atMs: at(), state: { type: 'RIV', riv } },
    { soort: 'V', atMs: at() },
  ]);
  add('G11', 'a V object with only its keys', 'tombstone by source reference', 'RIV', '', undefined, [{ soort: 'V', atMs: at() }]);
  const client12 = edgeClient(12);
  const essay = `Gesprek met ${client12.givenNames ?? ''} ${client12.familyName ?? ''} (BSN ${client12.bsn ?? ''}), woont bij moeder aan de Kerkstraat 1. `;
  add('G12', 'omschrijving of 500 KB in a CDATA section, with names and a BSN', 'dropped, never logged', 'RIV', '', client12,
    rivT(replace('omschrijving', { ns: 'PW', name: 'omschrijving', text: essay.repeat(Math.ceil(500_000 / essay.length)), cdata: true })));
  add('G13', 'identificatie with a BSN inside the suite\'s number', 'source reference hashed', 'RIV', '', edgeClient(13), rivT(), { identificatie: `${gemeente}-RV-999990019` });
  add('G14', 'PWU for gemeentecode 1901 (Bodegraven-Reeuwijk, outside AM13)', 'outside-region; not forwarded', 'PWU', '', edgeClient(14),
    [{ soort: 'T', atMs: at(), state: { type: 'PWU', pwu }, expect: reject('outside-region') }], { gemeente: '1901', reason: 'outside-region' });
  add('G15', 'PWU answers declare PW as the default namespace and use ns1 for StUF', 'parsed by namespace', 'PWU', '', edgeClient(15), [{ soort: 'T', atMs: at(), state: { type: 'PWU', pwu } }]);
  add('G16', 'StUF:extraElementen with unknown extraElement children', 'ignored', 'RIV', '', edgeClient(16),
    rivT(beforeTijdstip(stuf('extraElementen', [stuf('extraElement', 'B', [['', 'naam', 'klantSegment']]), stuf('extraElement', 'Kerkstraat 1', [['', 'naam', 'woonadres']])]))));
  add('G17', 'LKS answers encoded ISO-8859-1, with é and ë in names', 'parsed', 'LKS', '', edgeClient(17, { familyName: 'Hoëvenaar', givenNames: 'Mélanie' }),
    [{ soort: 'T', atMs: at(), state: { type: 'LKS', lks: { ...lks, werkgever: { ...lks.werkgever, naam: 'Brasserie Zeeën & Café' } } } }]);
  add('G18', 'tijdstipRegistratie 20251026023000000 (the repeated hour)', 'informational; no effect', 'RIV', '', edgeClient(18),
    rivT(replace('tijdstipRegistratie', stuf('tijdstipRegistratie', '20251026023000000'))));
  add('G20', 'LKS whose werkgever/naam is a person\'s name (eenmanszaak)', 'dropped; loonheffingennummer → employer_key', 'LKS', '', edgeClient(20),
    [{ soort: 'T', atMs: at(), state: { type: 'LKS', lks: { ...lks, werkgever: { loonheffingennummer: '812345605L01', naam: 'J.P. de Boer' } } } }]);
  add('G21', 'urenPerWeek 24,5', 'invalid-value', 'LKS', 'A', edgeClient(21), [{ soort: 'T', atMs: at(), state: { type: 'LKS', lks: { ...lks, urenPerWeek: '24,5' } }, expect: reject('invalid-value') }], { reason: 'invalid-value' });
  add('G21', 'loonwaardePercentage 120', 'invalid-value', 'LKS', 'B', edgeClient(21), [{ soort: 'T', atMs: at(), state: { type: 'LKS', lks: { ...lks, loonwaardePercentage: '120' } }, expect: reject('invalid-value') }]);
  add('G22', 'soortUitkering WWB (an old code)', 'OTHER, source code counted', 'PWU', '', edgeClient(22), [{ soort: 'T', atMs: at(), state: { type: 'PWU', pwu: { ...pwu, soortUitkering: 'WWB' } } }]);
  // G19 last, so the stream's highest number is the one served after it and the overlap reaches back to it.
  add('G19', 'mutation made visible after a higher one was served', 'picked up once by the overlap', 'RIV', '', edgeClient(19), [
    { soort: 'T', atMs: at(), state: { type: 'RIV', riv }, holdUntilNext: true, expect: { outcome: 'record', late: true } },
  ], { identificatie: `${gemeente}-RV-EDGE-G19A` });
  add('G19', 'the higher mutation served first', 'a record', 'RIV', '', edgeClient(19), [{ soort: 'T', atMs: at(), state: { type: 'RIV', riv } }], { identificatie: `${gemeente}-RV-EDGE-G19B` });
  return { cases, plans };
}

/** The anchor of edge-case times: the clock's day at 06:00. */
export function edgeAnchor(today: string): number {
  return amsterdamLocal(today, '06:00');
}
