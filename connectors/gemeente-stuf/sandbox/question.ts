import { readEnvelope } from '../../../src/xml/soap.js';
import { attributeValue, childElement, childText, parseXml, type XmlElement } from '../../../src/xml/xml-document.js';
import { entiteittypeOfMessage, PW_NS, STUF_NS, type Entiteittype } from '../stuf-names.js';
import { ONTVANGER_APPLICATIE, ZENDER, type GemeentePartner } from './partners.js';

/**
 * Reads a `{xxx}Lv01` question as the suite would (spec §2) and refuses it with the Fo02 code of
 * spec §6 when it breaks a rule: SOAPAction versus body root and wrong child order (StUF055),
 * unknown ontvanger (StUF010) or zender (StUF013), `sortering` other than 1 (StUF133), a
 * follow-up without `start` (StUF103), the same element in `gelijk` and `vanaf` (StUF079), a
 * scope with both the attribute and elements (StUF097).
 */
export interface ScopeSpec {
  /** Local names asked for, each with its own listed children (empty: the whole element). */
  readonly children: ReadonlyMap<string, ScopeSpec>;
}

export interface Question {
  readonly type: Entiteittype;
  readonly message: string;
  readonly referentienummer: string;
  readonly zenderGebruiker?: string;
  readonly vervolg: boolean;
  /** Page size served (≤ 200). */
  readonly maximumAantal: number;
  readonly meldingen: readonly string[];
  readonly indicatorAantal: boolean;
  readonly gelijk: { readonly gemeentecode?: string; readonly indicatieIps?: string };
  /** Present: a mutation question (spec §2.3). */
  readonly vanaf?: number;
  readonly totEnMet?: number;
  /** `alles`, or the listed elements. */
  readonly scope: 'alles' | ScopeSpec;
  readonly start?: number;
}

export interface Refusal {
  readonly code: string;
  readonly omschrijving: string;
  readonly details?: string;
}

export const MAX_PAGE = 200;
const STUF_DEFAULT_PAGE = 15;
const ORDER = ['stuurgegevens', 'parameters', 'gelijk', 'vanaf', 'totEnMet', 'scope', 'start'] as const;
const notConform = (details: string): Refusal => ({ code: 'StUF055', omschrijving: 'Bericht niet conform schema', details });

function scopeOf(element: XmlElement): ScopeSpec {
  return { children: new Map(element.children.filter((c) => c.ns === PW_NS).map((c) => [c.local, scopeOf(c)])) };
}

function selection(element: XmlElement | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const child of element?.children ?? []) out.set(child.local, child.text.trim());
  return out;
}

function wholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined;
}

/** The last segment of a SOAPAction header, quotes removed. */
export function actionOperation(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const bare = value.trim().replace(/^"|"$/g, '');
  const slash = bare.lastIndexOf('/');
  return bare.slice(slash + 1) || undefined;
}

export function readQuestion(body: Buffer, soapActionHeader: string | string[] | undefined, partner: GemeentePartner): Question | Refusal {
  let root: XmlElement;
  try {
    root = parseXml(body, { maxBytes: 1024 * 1024 });
  } catch {
    return notConform('het bericht is geen goedgevormde XML');
  }
  const payload = readEnvelope(root)?.payload;
  const message = payload?.ns === PW_NS ? entiteittypeOfMessage(payload.local) : undefined;
  if (!payload || !message || message.kind !== 'Lv01') return notConform('de SOAP Body bevat geen pwuLv01, rivLv01 of lksLv01');
  if (actionOperation(soapActionHeader) !== payload.local) return notConform(`SOAPAction komt niet overeen met ${payload.local}`);
  let last = -1;
  for (const child of payload.children) {
    const index = child.ns === PW_NS ? ORDER.indexOf(child.local as (typeof ORDER)[number]) : -1;
    if (index <= last) return notConform(`element ${child.local} onbekend of niet op zijn plaats`);
    last = index;
  }
  const stuurgegevens = childElement(payload, PW_NS, 'stuurgegevens');
  const parameters = childElement(payload, PW_NS, 'parameters');
  const scope = childElement(payload, PW_NS, 'scope');
  if (!stuurgegevens || !parameters || !scope) return notConform('stuurgegevens, parameters en scope zijn verplicht');

  if (childText(stuurgegevens, STUF_NS, 'berichtcode') !== 'Lv01') return notConform('berichtcode moet Lv01 zijn');
  const zender = childElement(stuurgegevens, STUF_NS, 'zender');
  const ontvanger = childElement(stuurgegevens, STUF_NS, 'ontvanger');
  if (!ontvanger || childText(ontvanger, STUF_NS, 'organisatie') !== partner.ontvanger || childText(ontvanger, STUF_NS, 'applicatie') !== ONTVANGER_APPLICATIE) {
    return { code: 'StUF010', omschrijving: 'Ontvanger onbekend', details: `ontvanger moet ${partner.ontvanger}/${ONTVANGER_APPLICATIE} zijn` };
  }
  if (!zender || childText(zender, STUF_NS, 'organisatie') !== ZENDER.organisatie || childText(zender, STUF_NS, 'applicatie') !== ZENDER.applicatie) {
    return { code: 'StUF013', omschrijving: 'Zender onbekend' };
  }
  const referentienummer = childText(stuurgegevens, STUF_NS, 'referentienummer');
  if (!referentienummer || referentienummer.length > 40) return notConform('referentienummer ontbreekt of is langer dan 40 tekens');
  const tijdstip = childText(stuurgegevens, STUF_NS, 'tijdstipBericht');
  if (tijdstip !== undefined && !/^[0-9]{8,17}$/.test(tijdstip)) return notConform('tijdstipBericht is geen Tijdstip');
  if (childText(stuurgegevens, STUF_NS, 'entiteittype') !== message.type) return notConform(`entiteittype moet ${message.type} zijn`);

  const sortering = childText(parameters, STUF_NS, 'sortering');
  if (sortering === undefined) return notConform('sortering ontbreekt');
  if (sortering !== '1') return { code: 'StUF133', omschrijving: 'Sortering wordt niet ondersteund' };
  const vervolgText = childText(parameters, STUF_NS, 'indicatorVervolgvraag') ?? 'false';
  if (vervolgText !== 'true' && vervolgText !== 'false') return notConform('indicatorVervolgvraag moet true of false zijn');
  const vervolg = vervolgText === 'true';
  const asked = childText(parameters, STUF_NS, 'maximumAantal');
  const askedNumber = asked === undefined ? STUF_DEFAULT_PAGE : wholeNumber(asked);
  if (askedNumber === undefined || askedNumber < 1) return notConform('maximumAantal moet een positief geheel getal zijn');
  const meldingen = askedNumber > MAX_PAGE ? [`maximumAantal ${askedNumber} is groter dan ${MAX_PAGE}; er worden er ${MAX_PAGE} geleverd`] : [];

  const gelijkElement = childElement(payload, PW_NS, 'gelijk');
  const vanafElement = childElement(payload, PW_NS, 'vanaf');
  const totElement = childElement(payload, PW_NS, 'totEnMet');
  const gelijk = selection(gelijkElement);
  const vanaf = selection(vanafElement);
  const tot = selection(totElement);
  for (const name of gelijk.keys()) if (vanaf.has(name) || tot.has(name)) return { code: 'StUF079', omschrijving: `Element ${name} komt voor in zowel gelijk als vanaf/totEnMet` };
  const allowedGelijk = message.type === 'RIV' ? ['gemeentecode', 'indicatieIps'] : ['gemeentecode'];
  for (const name of gelijk.keys()) if (!allowedGelijk.includes(name)) return notConform(`selectie op ${name} wordt niet ondersteund`);
  for (const name of [...vanaf.keys(), ...tot.keys()]) if (name !== 'mutatievolgnummer') return notConform(`selectie op ${name} in vanaf/totEnMet wordt niet ondersteund`);
  const vanafNumber = vanaf.has('mutatievolgnummer') ? wholeNumber(vanaf.get('mutatievolgnummer')) : undefined;
  const totNumber = tot.has('mutatievolgnummer') ? wholeNumber(tot.get('mutatievolgnummer')) : undefined;
  if ((vanaf.has('mutatievolgnummer') && vanafNumber === undefined) || (tot.has('mutatievolgnummer') && totNumber === undefined)) return notConform('mutatievolgnummer moet een geheel getal zijn');

  const scopeObject = childElement(scope, PW_NS, 'object');
  if (!scopeObject) return notConform('scope bevat geen object');
  const scopeAttribute = attributeValue(scopeObject, STUF_NS, 'scope');
  const listed = scopeObject.children.some((child) => child.ns === PW_NS);
  if (scopeAttribute !== undefined && listed) return { code: 'StUF097', omschrijving: 'Scope bevat zowel het attribuut StUF:scope als elementen' };
  if (scopeAttribute !== undefined && scopeAttribute !== 'alles') return notConform(`StUF:scope="${scopeAttribute}" wordt niet ondersteund`);

  const startElement = childElement(payload, PW_NS, 'start');
  const startObject = startElement ? childElement(startElement, PW_NS, 'object') : undefined;
  const start = startObject ? wholeNumber(childText(startObject, PW_NS, 'mutatievolgnummer')) : undefined;
  if (startElement && start === undefined) return notConform('start bevat geen mutatievolgnummer');
  if (vervolg && start === undefined) return { code: 'StUF103', omschrijving: 'Vervolgvraag zonder start' };

  const gemeentecode = gelijk.get('gemeentecode');
  const indicatieIps = gelijk.get('indicatieIps');
  return {
    type: message.type,
    message: payload.local,
    referentienummer,
    ...(zender && childText(zender, STUF_NS, 'gebruiker') ? { zenderGebruiker: childText(zender, STUF_NS, 'gebruiker') } : {}),
    vervolg,
    maximumAantal: Math.min(askedNumber, MAX_PAGE),
    meldingen,
    indicatorAantal: childText(parameters, STUF_NS, 'indicatorAantal') === 'true',
    gelijk: { ...(gemeentecode !== undefined ? { gemeentecode } : {}), ...(indicatieIps !== undefined ? { indicatieIps } : {}) },
    ...(vanafNumber !== undefined ? { vanaf: vanafNumber } : {}),
    ...(totNumber !== undefined ? { totEnMet: totNumber } : {}),
    scope: scopeAttribute === 'alles' ? 'alles' : scopeOf(scopeObject),
    ...(start !== undefined ? { start } : {}),
  };
}

export function isRefusal(value: Question | Refusal): value is Refusal {
  return 'code' in value;
}
