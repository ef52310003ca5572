import type { Entiteittype } from '../stuf-names.js';
import { dateOr, nil, pw, stuf, stufDate, valueOr, type NoValue, type XNode } from './xml-node.js';

/**
 * The sandbox's objects of spec §3 as plain states (ISO dates), and how one mutation of an
 * object becomes a `PW:object` element. Elements come in the spec's order; empty values are
 * written the StUF way (`xsi:nil` + `StUF:noValue`).
 */
export interface StufClient {
  /** The BSN as the suite stores it (P8: `10000021`); absent: no `inp.bsn` element (G01). */
  readonly bsn?: string;
  /** Write `inp.bsn` as nil with this noValue instead of a value (G02, G03). */
  readonly bsnNoValue?: NoValue;
  readonly familyName?: string;
  readonly familyPrefix?: string;
  readonly givenNames?: string;
  /** ISO date. */
  readonly birthDate?: string;
  readonly gender?: 'M' | 'V' | 'O';
  readonly address?: { readonly street: string; readonly houseNumber: string; readonly postalCode: string; readonly city: string };
}

export interface RivState {
  readonly typeVoorziening: string;
  readonly omschrijving?: string;
  readonly doel: 'W' | 'P';
  readonly indicatieIps: 'J' | 'N';
  readonly verwijzer: string;
  readonly kenmerkVerwijzing?: string;
  readonly financiering: string;
  readonly datumAanvraag?: string;
  readonly besluit?: 'TOEGEKEND' | 'AFGEWEZEN';
  readonly datumBesluit?: string;
  readonly datumAanvang?: string;
  readonly datumEinde?: string;
  readonly redenBeeindiging?: string;
  /** Name of the klantmanager (`heeftAlsBehandelaar`): dropped by the connector. */
  readonly behandelaar?: string;
}

export interface PwuState {
  readonly soortUitkering: string;
  readonly datumAanvang: string;
  readonly datumEinde?: string;
  readonly redenBeeindiging?: string;
  readonly leefvorm?: string;
  readonly normbedrag?: string;
}

export interface LksState {
  readonly soortLoonkostensubsidie: string;
  readonly datumAanvang: string;
  readonly datumEinde?: string;
  readonly loonwaardePercentage: string;
  readonly urenPerWeek: string;
  readonly werkgever: { readonly loonheffingennummer: string; readonly kvkNummer?: string; readonly naam?: string };
  readonly arbeidsovereenkomst?: { readonly datumIngang: string; readonly datumEinde?: string; readonly soort: 'O' | 'B' };
  readonly redenBeeindiging?: string;
  readonly hoortBijVoorziening?: string;
}

export type ObjectState = { readonly type: 'RIV'; readonly riv: RivState } | { readonly type: 'PWU'; readonly pwu: PwuState } | { readonly type: 'LKS'; readonly lks: LksState };

export interface ObjectKey {
  readonly type: Entiteittype;
  readonly identificatie: string;
  readonly sleutel: string;
  readonly gemeentecode: string;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `yyyymmddhhmmssfff` in Amsterdam local time (no offset, spec §2.3 of the README). */
export function stufTijdstip(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  return `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1, 2)}${pad(local.getUTCDate(), 2)}${pad(local.getUTCHours(), 2)}${pad(local.getUTCMinutes(), 2)}${pad(local.getUTCSeconds(), 2)}${pad(local.getUTCMilliseconds(), 3)}`;
}

function clientNode(type: Entiteittype, client: StufClient): XNode {
  const fields: XNode[] = [];
  if (client.bsnNoValue) fields.push(nil('inp.bsn', client.bsnNoValue));
  else if (client.bsn !== undefined) fields.push(pw('inp.bsn', client.bsn));
  if (client.familyName) fields.push(pw('geslachtsnaam', client.familyName));
  if (client.familyPrefix) fields.push(pw('voorvoegselGeslachtsnaam', client.familyPrefix));
  if (client.givenNames) fields.push(pw('voornamen', client.givenNames));
  if (client.birthDate) fields.push(pw('geboortedatum', stufDate(client.birthDate)));
  if (client.gender) fields.push(pw('geslachtsaanduiding', client.gender));
  if (client.address) {
    const a = client.address;
    fields.push(pw('verblijfsadres', [pw('gor.straatnaam', a.street), pw('aoa.huisnummer', a.houseNumber), pw('aoa.postcode', a.postalCode.replace(/\s/g, '')), pw('wpl.woonplaatsNaam', a.city)]));
  }
  return pw('heeftAlsClient', [pw('gerelateerde', fields, [['StUF', 'entiteittype', 'NPS']])], [['StUF', 'entiteittype', `${type}NPS`]]);
}

function rivElements(riv: RivState): XNode[] {
  return [
    pw('typeVoorziening', riv.typeVoorziening),
    riv.omschrijving === undefined ? nil('omschrijving') : pw('omschrijving', riv.omschrijving),
    pw('doel', riv.doel),
    pw('indicatieIps', riv.indicatieIps),
    pw('verwijzer', riv.verwijzer),
    valueOr('kenmerkVerwijzing', riv.kenmerkVerwijzing),
    pw('financiering', riv.financiering),
    dateOr('datumAanvraag', riv.datumAanvraag),
    valueOr('besluit', riv.besluit),
    dateOr('datumBesluit', riv.datumBesluit),
    dateOr('datumAanvang', riv.datumAanvang),
    dateOr('datumEinde', riv.datumEinde),
    valueOr('redenBeeindiging', riv.redenBeeindiging),
  ];
}

function pwuElements(pwu: PwuState): XNode[] {
  return [
    pw('soortUitkering', pwu.soortUitkering),
    pw('datumAanvang', stufDate(pwu.datumAanvang)),
    dateOr('datumEinde', pwu.datumEinde),
    valueOr('redenBeeindiging', pwu.redenBeeindiging),
    ...(pwu.leefvorm ? [pw('leefvorm', pwu.leefvorm)] : []),
    ...(pwu.normbedrag ? [pw('normbedrag', pwu.normbedrag)] : []),
  ];
}

function lksElements(lks: LksState): XNode[] {
  const employer = lks.werkgever;
  const contract = lks.arbeidsovereenkomst;
  return [
    pw('soortLoonkostensubsidie', lks.soortLoonkostensubsidie),
    pw('datumAanvang', stufDate(lks.datumAanvang)),
    dateOr('datumEinde', lks.datumEinde),
    pw('loonwaardePercentage', lks.loonwaardePercentage),
    pw('urenPerWeek', lks.urenPerWeek),
    pw('werkgever', [
      pw('loonheffingennummer', employer.loonheffingennummer),
      ...(employer.kvkNummer ? [pw('kvkNummer', employer.kvkNummer)] : []),
      ...(employer.naam ? [pw('naam', employer.naam)] : []),
    ]),
    ...(contract ? [pw('arbeidsovereenkomst', [pw('datumIngang', stufDate(contract.datumIngang)), dateOr('datumEinde', contract.datumEinde), pw('soort', contract.soort)])] : []),
    valueOr('redenBeeindiging', lks.redenBeeindiging),
    valueOr('hoortBijVoorziening', lks.hoortBijVoorziening),
  ];
}

export interface MutationHead {
  readonly n: number;
  readonly soort: 'T' | 'W' | 'V';
}

/** The four key elements every object starts with (all a `V` carries). */
export function headElements(key: ObjectKey, head: MutationHead): XNode[] {
  return [pw('mutatievolgnummer', String(head.n)), pw('mutatiesoort', head.soort), pw('identificatie', key.identificatie), pw('gemeentecode', key.gemeentecode)];
}

export function objectAttrs(key: ObjectKey): XNode['attrs'] {
  return [['StUF', 'entiteittype', key.type], ['StUF', 'sleutelGegevensbeheer', key.sleutel]];
}

/** One mutation as `PW:object`: full state for T and W, keys only for V (spec §3.1). */
export function objectNode(key: ObjectKey, head: MutationHead, state: ObjectState | undefined, client: StufClient | undefined, tijdstip: string): XNode {
  const children = headElements(key, head);
  if (head.soort !== 'V' && state) {
    if (state.type === 'RIV') children.push(...rivElements(state.riv));
    else if (state.type === 'PWU') children.push(...pwuElements(state.pwu));
    else children.push(...lksElements(state.lks));
    if (client) children.push(clientNode(key.type, client));
    if (state.type === 'RIV' && state.riv.behandelaar) {
      children.push(pw('heeftAlsBehandelaar', [pw('gerelateerde', [pw('naam', state.riv.behandelaar)], [['StUF', 'entiteittype', 'MDW']])], [['StUF', 'entiteittype', 'RIVMDW']]));
    }
    children.push(stuf('tijdstipRegistratie', tijdstip));
  }
  return pw('object', children, objectAttrs(key));
}
