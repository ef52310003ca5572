import { randomUUID } from 'node:crypto';
import { amsterdamOffsetMinutes } from '../../src/sandbox/amsterdam-time.js';
import { escapeXml } from '../../src/xml/xml-document.js';
import { SOAP11_NS } from '../../src/xml/soap.js';
import type { GemeenteStufConfig } from './config-schema.js';
import { PW_NS, questionName, STUF_NS, type Entiteittype } from './stuf-names.js';

/**
 * The questions werkbrug asks (spec §2, §4.1, §4.3, §8), written in the spec's child order:
 * `stuurgegevens`, `parameters`, `gelijk`?, `vanaf`?, `scope`, `start`?. Each gets a fresh
 * `referentienummer` (a UUID) and `tijdstipBericht` in Amsterdam local time.
 */
export interface QuestionSpec {
  readonly type: Entiteittype;
  /** Present: a mutation question from this number (inclusive). Absent: a state question. */
  readonly vanaf?: number;
  /** Follow-up: the number of the last object of the previous page. */
  readonly start?: number;
  readonly maximumAantal: number;
  readonly indicatorAantal?: boolean;
  readonly gelijk?: { readonly gemeentecode?: string; readonly indicatieIps?: 'J' };
  /** `alles`, or the worklist's listed elements (spec §8). */
  readonly scope: 'alles' | 'worklist';
}

export interface BuiltQuestion {
  readonly message: string;
  readonly referentienummer: string;
  readonly body: string;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `yyyymmddhhmmssfff`, Amsterdam local time. */
export function stufTijdstipBericht(ms: number): string {
  const local = new Date(ms + amsterdamOffsetMinutes(ms) * 60_000);
  return `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1, 2)}${pad(local.getUTCDate(), 2)}${pad(local.getUTCHours(), 2)}${pad(local.getUTCMinutes(), 2)}${pad(local.getUTCSeconds(), 2)}${pad(local.getUTCMilliseconds(), 3)}`;
}

const text = (prefix: string, name: string, value: string): string => `<${prefix}:${name}>${escapeXml(value)}</${prefix}:${name}>`;

export function buildQuestion(config: GemeenteStufConfig, spec: QuestionSpec, nowMs = Date.now()): BuiltQuestion {
  const message = questionName(spec.type);
  const referentienummer = randomUUID();
  const et = `StUF:entiteittype="${spec.type}"`;
  const stuurgegevens = [
    text('StUF', 'berichtcode', 'Lv01'),
    `<StUF:zender>${text('StUF', 'organisatie', config.zender.organisatie)}${text('StUF', 'applicatie', config.zender.applicatie)}${text('StUF', 'gebruiker', config.zender.gebruiker)}</StUF:zender>`,
    `<StUF:ontvanger>${text('StUF', 'organisatie', config.ontvanger.organisatie)}${text('StUF', 'applicatie', config.ontvanger.applicatie)}</StUF:ontvanger>`,
    text('StUF', 'referentienummer', referentienummer),
    text('StUF', 'tijdstipBericht', stufTijdstipBericht(nowMs)),
    text('StUF', 'entiteittype', spec.type),
  ].join('');
  const parameters = [
    text('StUF', 'sortering', '1'),
    text('StUF', 'indicatorVervolgvraag', spec.start !== undefined ? 'true' : 'false'),
    text('StUF', 'maximumAantal', String(spec.maximumAantal)),
    spec.indicatorAantal ? text('StUF', 'indicatorAantal', 'true') : '',
  ].join('');
  const gelijkParts = [
    spec.gelijk?.gemeentecode !== undefined ? text('PW', 'gemeentecode', spec.gelijk.gemeentecode) : '',
    spec.gelijk?.indicatieIps !== undefined ? text('PW', 'indicatieIps', spec.gelijk.indicatieIps) : '',
  ].join('');
  const scope =
    spec.scope === 'alles'
      ? `<PW:object ${et} StUF:scope="alles"/>`
      : `<PW:object ${et}><PW:identificatie xsi:nil="true"/><PW:datumAanvang xsi:nil="true"/><PW:datumEinde xsi:nil="true"/><PW:heeftAlsClient StUF:entiteittype="${spec.type}NPS"><PW:gerelateerde StUF:entiteittype="NPS"><PW:inp.bsn xsi:nil="true"/></PW:gerelateerde></PW:heeftAlsClient></PW:object>`;
  const body = [
    `<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:StUF="${STUF_NS}" xmlns:PW="${PW_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `<soapenv:Header/><soapenv:Body><PW:${message}>`,
    `<PW:stuurgegevens>${stuurgegevens}</PW:stuurgegevens>`,
    `<PW:parameters>${parameters}</PW:parameters>`,
    gelijkParts !== '' ? `<PW:gelijk ${et}>${gelijkParts}</PW:gelijk>` : '',
    spec.vanaf !== undefined ? `<PW:vanaf ${et}>${text('PW', 'mutatievolgnummer', String(spec.vanaf))}</PW:vanaf>` : '',
    `<PW:scope>${scope}</PW:scope>`,
    spec.start !== undefined ? `<PW:start><PW:object ${et}>${text('PW', 'mutatievolgnummer', String(spec.start))}</PW:object></PW:start>` : '',
    `</PW:${message}></soapenv:Body></soapenv:Envelope>`,
  ].join('');
  return { message, referentienummer, body };
}
