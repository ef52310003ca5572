import { attributeValue, childElement, isNil, type XmlElement } from '../../src/xml/xml-document.js';
import { PW_NS, STUF_NS } from './stuf-names.js';

/**
 * The partner's names, verbatim, for the elements werkbrug reads of a `PW:object` (spec §3.2–3.5):
 * the allowlist. Everything else in an object (names, address, `omschrijving`, `leefvorm`,
 * `normbedrag`, the employer's name and KvK number, the klantmanager, `StUF:extraElementen`,
 * `tijdstipRegistratie`) is never read, so it cannot leave the edge. Identifying fields:
 * `heeftAlsClient/gerelateerde/inp.bsn` (pseudonymised), `geboortedatum` (reduced to an age band),
 * `werkgever/loonheffingennummer` (keyed `employer_key`), and an `identificatie` with a nine-digit
 * run (hashed in the source reference).
 */
export type StufField =
  | { readonly kind: 'absent' }
  | { readonly kind: 'nil'; readonly noValue?: string }
  | { readonly kind: 'value'; readonly text: string; readonly indOnvolledigeDatum?: string };

export const absent: StufField = { kind: 'absent' };

export function field(parent: XmlElement | undefined, local: string): StufField {
  const element = parent ? childElement(parent, PW_NS, local) : undefined;
  if (!element) return absent;
  const noValue = attributeValue(element, STUF_NS, 'noValue');
  if (isNil(element) || (noValue !== undefined && element.text.trim() === '')) return { kind: 'nil', ...(noValue ? { noValue } : {}) };
  const text = element.text.trim();
  if (text === '') return { kind: 'nil' };
  const ind = attributeValue(element, STUF_NS, 'indOnvolledigeDatum');
  return { kind: 'value', text, ...(ind ? { indOnvolledigeDatum: ind } : {}) };
}

export function valueOf(value: StufField): string | undefined {
  return value.kind === 'value' ? value.text : undefined;
}

/** Keys every object has, a V only these (spec §3.1). */
export interface StufObjectKeys {
  readonly entiteittype?: string;
  readonly mutatievolgnummer: StufField;
  readonly mutatiesoort: StufField;
  readonly identificatie: StufField;
  readonly gemeentecode: StufField;
}

export interface StufClientFields {
  /** `heeftAlsClient/gerelateerde` present. */
  readonly present: boolean;
  readonly 'inp.bsn': StufField;
  readonly geboortedatum: StufField;
}

export interface RivFields {
  readonly typeVoorziening: StufField;
  readonly indicatieIps: StufField;
  readonly financiering: StufField;
  readonly datumAanvraag: StufField;
  readonly besluit: StufField;
  readonly datumBesluit: StufField;
  readonly datumAanvang: StufField;
  readonly datumEinde: StufField;
  readonly redenBeeindiging: StufField;
}

export interface PwuFields {
  readonly soortUitkering: StufField;
  readonly datumAanvang: StufField;
  readonly datumEinde: StufField;
}

export interface LksFields {
  readonly soortLoonkostensubsidie: StufField;
  readonly datumAanvang: StufField;
  readonly datumEinde: StufField;
  readonly loonwaardePercentage: StufField;
  readonly urenPerWeek: StufField;
  readonly loonheffingennummer: StufField;
  readonly arbeidsovereenkomst: { readonly present: boolean; readonly datumIngang: StufField; readonly datumEinde: StufField };
  readonly redenBeeindiging: StufField;
}

export function readKeys(object: XmlElement): StufObjectKeys {
  const entiteittype = attributeValue(object, STUF_NS, 'entiteittype');
  return {
    ...(entiteittype !== undefined ? { entiteittype } : {}),
    mutatievolgnummer: field(object, 'mutatievolgnummer'),
    mutatiesoort: field(object, 'mutatiesoort'),
    identificatie: field(object, 'identificatie'),
    gemeentecode: field(object, 'gemeentecode'),
  };
}

export function readClient(object: XmlElement): StufClientFields {
  const client = childElement(object, PW_NS, 'heeftAlsClient');
  const related = client ? childElement(client, PW_NS, 'gerelateerde') : undefined;
  return { present: related !== undefined, 'inp.bsn': field(related, 'inp.bsn'), geboortedatum: field(related, 'geboortedatum') };
}

export function readRiv(object: XmlElement): RivFields {
  const f = (name: string) => field(object, name);
  return {
    typeVoorziening: f('typeVoorziening'), indicatieIps: f('indicatieIps'), financiering: f('financiering'), datumAanvraag: f('datumAanvraag'),
    besluit: f('besluit'), datumBesluit: f('datumBesluit'), datumAanvang: f('datumAanvang'), datumEinde: f('datumEinde'), redenBeeindiging: f('redenBeeindiging'),
  };
}

export function readPwu(object: XmlElement): PwuFields {
  return { soortUitkering: field(object, 'soortUitkering'), datumAanvang: field(object, 'datumAanvang'), datumEinde: field(object, 'datumEinde') };
}

export function readLks(object: XmlElement): LksFields {
  const werkgever = childElement(object, PW_NS, 'werkgever');
  const contract = childElement(object, PW_NS, 'arbeidsovereenkomst');
  return {
    soortLoonkostensubsidie: field(object, 'soortLoonkostensubsidie'), datumAanvang: field(object, 'datumAanvang'), datumEinde: field(object, 'datumEinde'),
    loonwaardePercentage: field(object, 'loonwaardePercentage'), urenPerWeek: field(object, 'urenPerWeek'),
    loonheffingennummer: werkgever ? field(werkgever, 'loonheffingennummer') : absent,
    arbeidsovereenkomst: { present: contract !== undefined, datumIngang: contract ? field(contract, 'datumIngang') : absent, datumEinde: contract ? field(contract, 'datumEinde') : absent },
    redenBeeindiging: field(object, 'redenBeeindiging'),
  };
}
