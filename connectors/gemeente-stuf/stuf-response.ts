import type { PartnerHttp, PartnerResponse } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { readEnvelope, readFault, type SoapFault } from '../../src/xml/soap.js';
import { childElement, childElements, childText, parseXml, XmlError, type XmlElement } from '../../src/xml/xml-document.js';
import type { GemeenteStufConfig } from './config-schema.js';
import { buildQuestion, type QuestionSpec } from './question.js';
import { answerName, PW_NS, SERVICE_PATH, soapAction, STUF_NS } from './stuf-names.js';

/**
 * One StUF exchange and how its answer is classified (`partners/README.md` §2.5, spec §6). A SOAP
 * Fault counts whatever the HTTP status (some suites send it with 200): Fo02 `StUF049`, `StUF058`,
 * `StUF960` and Faults without StUF detail are transient (`WB_PARTNER_UNREACHABLE`, retried),
 * unless the status is 401/403; `StUF010`, `StUF013`, `StUF052` and 401/403 are configuration
 * (`WB_PARTNER_AUTH`); `StUF055`, `StUF079`, `StUF097`, `StUF103`, `StUF133` are a connector bug
 * (`WB_PARTNER_REQUEST_REJECTED`). A body that cannot be read (not XML, malformed, truncated, a
 * DOCTYPE, an unexpected root) is `WB_PARTNER_RESPONSE_INVALID`, retried. Errors carry the
 * message name, our `referentienummer`, the status, the Fo02 code and the fault text (cut, with
 * long digit runs masked); never the body.
 */
export interface StufAnswer {
  readonly vervolg: boolean;
  readonly objects: readonly XmlElement[];
  readonly aantalVoorkomens?: number;
  /** How many `melding`s the suite sent (their text is the suite's own words and is not kept). */
  readonly meldingen: number;
}

type Classified = WerkbrugError & { retryAfterSeconds?: number };

const TRANSIENT = new Set(['StUF049', 'StUF058', 'StUF960']);
const CONFIGURATION = new Set(['StUF010', 'StUF013', 'StUF052']);
const REQUEST_BUG = new Set(['StUF055', 'StUF079', 'StUF097', 'StUF103', 'StUF133']);

/**
 * What an error may say about a Fault. The partner's own text (`faultstring`, `omschrijving`,
 * `details`) is never copied: a suite may name the client in it ("BSN 999 990 019 onbekend"), and
 * error messages reach logs and the store. Only a code from a fixed shape is repeated; the meaning
 * comes from werkbrug's own table of the spec's codes.
 */
export function safeCode(value: string | undefined): string {
  return value !== undefined && /^[A-Za-z][A-Za-z0-9:._-]{0,39}$/.test(value) && !/[0-9]{5,}/.test(value) ? value : 'unreadable';
}

const MEANING: Readonly<Record<string, string>> = {
  StUF010: 'ontvanger unknown', StUF013: 'zender unknown to the suite', StUF052: 'not authorised for this entiteittype',
  StUF055: 'question not conform the schema', StUF079: 'same element in gelijk and vanaf', StUF097: 'scope with both attribute and content',
  StUF103: 'vervolgvraag without start', StUF133: 'unsupported sortering', StUF049: 'backend process not available',
  StUF058: 'processing failed', StUF960: 'no answer within the connection time-out',
};

export interface Fo02 {
  readonly code: string;
  readonly plek?: string;
  readonly omschrijving?: string;
}

/** The Fo02 in a Fault's detail, if any (`StUF:Fo02Bericht/StUF:body`). */
export function readFo02(fault: SoapFault): Fo02 | undefined {
  const bericht = fault.detail.find((d) => d.ns === STUF_NS && d.local === 'Fo02Bericht');
  const body = bericht ? childElement(bericht, STUF_NS, 'body') : undefined;
  const code = body ? childText(body, STUF_NS, 'code') : undefined;
  if (!body || !code) return undefined;
  const plek = childText(body, STUF_NS, 'plek');
  const omschrijving = childText(body, STUF_NS, 'omschrijving');
  return { code, ...(plek ? { plek } : {}), ...(omschrijving ? { omschrijving } : {}) };
}

function retryAfter(header: string | undefined): number | undefined {
  return header !== undefined && /^\s*[0-9]+\s*$/.test(header) ? Number(header) : undefined;
}

/** The typed error of a Fault: by Fo02 code, else by status (spec §6). */
export function faultError(fault: SoapFault, status: number, where: string): Classified {
  const fo02 = readFo02(fault);
  if (!fo02 && fault.detail.some((d) => d.ns === STUF_NS && d.local === 'Fo02Bericht') && status !== 401 && status !== 403) {
    // An Fo02 without a code (seen in the wild): the faultcode says whose fault it is.
    const detail = `${where} answered ${status} with an Fo02 without code, faultcode ${safeCode(fault.faultcode)}`;
    return new WerkbrugError(fault.faultcodeLocal === 'Client' ? 'WB_PARTNER_REQUEST_REJECTED' : 'WB_PARTNER_UNREACHABLE', { detail });
  }
  if (!fo02) {
    const detail = `${where} answered ${status} with a SOAP Fault ${safeCode(fault.faultcode)} without StUF detail`;
    return new WerkbrugError(status === 401 || status === 403 ? 'WB_PARTNER_AUTH' : 'WB_PARTNER_UNREACHABLE', { detail });
  }
  const code = /^StUF[0-9]{3}$/.test(fo02.code) || /^[A-Za-z]{1,10}[0-9]{0,4}$/.test(fo02.code) ? fo02.code : 'unreadable';
  const plek = fo02.plek === 'client' || fo02.plek === 'server' ? ` (${fo02.plek})` : '';
  const detail = `${where} answered ${status} with Fo02 ${code}${plek}${MEANING[code] ? `: ${MEANING[code]}` : ''}`;
  if (status === 401 || status === 403 || CONFIGURATION.has(code)) return new WerkbrugError('WB_PARTNER_AUTH', { detail });
  if (REQUEST_BUG.has(code)) return new WerkbrugError('WB_PARTNER_REQUEST_REJECTED', { detail });
  if (TRANSIENT.has(code)) return new WerkbrugError('WB_PARTNER_UNREACHABLE', { detail });
  // A code the spec does not list: the suite's own word on whose fault it is.
  return new WerkbrugError(fo02.plek === 'client' || fault.faultcodeLocal === 'Client' ? 'WB_PARTNER_REQUEST_REJECTED' : 'WB_PARTNER_UNREACHABLE', { detail });
}

function isXmlMediaType(type: string | undefined): boolean {
  return type === undefined || /^(text\/xml|application\/(soap\+)?xml)\b/i.test(type.trim());
}

function readAnswer(root: XmlElement, expected: string): StufAnswer | undefined {
  const envelope = readEnvelope(root);
  const payload = envelope ? envelope.payload : root;
  if (!payload || payload.ns !== PW_NS || payload.local !== expected) return undefined;
  const parameters = childElement(payload, PW_NS, 'parameters');
  const vervolg = parameters ? childText(parameters, STUF_NS, 'indicatorVervolgvraag') === 'true' : false;
  const aantal = parameters ? childText(parameters, STUF_NS, 'aantalVoorkomens') : undefined;
  const antwoord = childElement(payload, PW_NS, 'antwoord');
  return {
    vervolg,
    objects: antwoord ? childElements(antwoord, PW_NS, 'object') : [],
    ...(aantal !== undefined && /^[0-9]{1,15}$/.test(aantal) ? { aantalVoorkomens: Number(aantal) } : {}),
    meldingen: childElements(payload, PW_NS, 'melding').length,
  };
}

export function serviceUrl(config: GemeenteStufConfig): string {
  return `${config.baseUrl}${SERVICE_PATH}`;
}

/** Sends one question and returns its answer, or throws the classified error (after the HTTP layer's retries). */
export async function askStuf(http: PartnerHttp, config: GemeenteStufConfig, spec: QuestionSpec): Promise<StufAnswer> {
  const question = buildQuestion(config, spec);
  const expected = answerName(spec.type);
  const where = `POST ${SERVICE_PATH} ${question.message} (referentienummer ${question.referentienummer})`;
  let answer: StufAnswer | undefined;
  const classify = (response: PartnerResponse): Classified | undefined => {
    const { status } = response;
    let root: XmlElement | undefined;
    let unreadable: string | undefined;
    if (!isXmlMediaType(response.headers['content-type'])) unreadable = 'a body that is not XML (media type)';
    else {
      try {
        root = parseXml(response.body);
      } catch (error) {
        unreadable = error instanceof XmlError ? `a body that cannot be read as XML (${error.reason})` : 'a body that cannot be read as XML';
      }
    }
    const fault = root ? readFault(readEnvelope(root)?.payload) : undefined;
    if (fault) {
      const error = faultError(fault, status, where);
      const seconds = retryAfter(response.headers['retry-after']);
      if (seconds !== undefined) error.retryAfterSeconds = seconds;
      return error;
    }
    if (status === 401 || status === 403) return new WerkbrugError('WB_PARTNER_AUTH', { detail: `${where} answered ${status}` });
    if (status === 429 || status >= 500) {
      const error: Classified = new WerkbrugError('WB_PARTNER_UNREACHABLE', { detail: `${where} answered ${status}` });
      const seconds = retryAfter(response.headers['retry-after']);
      if (seconds !== undefined) error.retryAfterSeconds = seconds;
      return error;
    }
    // A redirect is not followed (it could lead off the configured origin); a 404 means the base is wrong.
    if ((status >= 300 && status < 400) || status === 404) return new WerkbrugError('WB_PARTNER_CONFIG_REJECTED', { detail: `${where} answered ${status}; check the partner base URL` });
    if (status < 200 || status >= 300) return new WerkbrugError('WB_PARTNER_REQUEST_REJECTED', { detail: `${where} answered ${status}` });
    if (!root) return new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', { detail: `${where} answered ${status} with ${unreadable ?? 'an unreadable body'}` });
    answer = readAnswer(root, expected);
    if (!answer) return new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', { detail: `${where} answered ${status} with something other than ${expected}` });
    return undefined;
  };
  await http.request({
    url: serviceUrl(config),
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: soapAction(question.message) },
    body: question.body,
    classify,
  });
  if (!answer) throw new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', { detail: `${where}: no answer was read` });
  return answer;
}
