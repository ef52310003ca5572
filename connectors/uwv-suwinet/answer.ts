import type { PartnerResponse } from '../../src/connector/partner-http.js';
import { normaliseBsn } from '../../src/stages/bsn.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { readEnvelope, readFault, WSA_NS } from '../../src/xml/soap.js';
import { childElement, childElements, childText, parseXml, XmlError, type XmlElement } from '../../src/xml/xml-document.js';
import type { Period, ServiceAnswer } from './item.js';
import { isoOfDatum } from './mapping/datum.js';
import { FWI_NS, type ServiceWireNames } from './suwiml.js';

/**
 * How a Suwinet answer is classified (`partners/README.md` §2.5, spec §6) and read. `classify`
 * runs inside the partner HTTP layer, so transient faults are retried there with back-off:
 * FWI0001/FWI0010 (Fault, or FWI0001 in a 200 body) and gateway 5xx/429 → `WB_PARTNER_UNREACHABLE`;
 * 401/403 and a Fault FWI0020 → `WB_PARTNER_AUTH`; FWI0030/0040/0050 Faults and 400 →
 * `WB_PARTNER_REQUEST_REJECTED`; a body that is not a SOAP answer of the service →
 * `WB_PARTNER_RESPONSE_INVALID` (retried). Details name codes and statuses, never body content.
 */
type Classified = WerkbrugError & { retryAfterSeconds?: number };

const TRANSIENT = new Set(['FWI0001', 'FWI0010']);
const REQUEST_BUGS = new Set(['FWI0030', 'FWI0040', 'FWI0050']);

function failure(code: 'WB_PARTNER_UNREACHABLE' | 'WB_PARTNER_AUTH' | 'WB_PARTNER_REQUEST_REJECTED' | 'WB_PARTNER_RESPONSE_INVALID' | 'WB_PARTNER_CONFIG_REJECTED', detail: string, retryAfter?: number): Classified {
  const error: Classified = new WerkbrugError(code, { detail });
  if (retryAfter !== undefined) error.retryAfterSeconds = retryAfter;
  return error;
}

/** An FWI code as written, if it looks like one (anything else is not echoed). */
function fwiCode(fout: XmlElement | undefined): string | undefined {
  const code = fout ? (childText(fout, '', 'Code') ?? childText(fout, fout.ns, 'Code')) : undefined;
  return code !== undefined && /^[A-Z]{2,5}[0-9]{2,6}$/.test(code) ? code : undefined;
}

function faultClass(code: string | undefined, where: string): Classified {
  if (code === 'FWI0020') return failure('WB_PARTNER_AUTH', `${where}: Fault ${code} (the afnemer is not authorised for this service)`);
  if (code !== undefined && REQUEST_BUGS.has(code)) return failure('WB_PARTNER_REQUEST_REJECTED', `${where}: Fault ${code}`);
  return failure('WB_PARTNER_UNREACHABLE', `${where}: Fault ${code ?? 'without FWI detail'}`);
}

function retryAfter(header: string | undefined): number | undefined {
  return header !== undefined && /^\s*[0-9]+\s*$/.test(header) ? Number(header) : undefined;
}

/** Classifies one answer; returns the parsed root of an accepted one. */
export function classifyAnswer(response: PartnerResponse, service: ServiceWireNames): Classified | XmlElement {
  const where = `POST ${service.path} (${service.operation}) answered ${response.status}`;
  const { status } = response;
  if (status === 401 || status === 403) return failure('WB_PARTNER_AUTH', where);
  let root: XmlElement | undefined;
  let parseProblem: string | undefined;
  try {
    root = parseXml(response.body);
  } catch (error) {
    parseProblem = error instanceof XmlError ? error.reason : 'unreadable';
  }
  const envelope = root ? readEnvelope(root) : undefined;
  const fault = readFault(envelope?.payload);
  if (fault) {
    const classified = faultClass(fwiCode(fault.detail.find((d) => d.ns === FWI_NS && d.local === 'Fout')), where);
    // A gateway's 429 or 503 comes as a Fault too; its Retry-After still says when to come back.
    const seconds = retryAfter(response.headers['retry-after']);
    if (seconds !== undefined && classified.retryable) classified.retryAfterSeconds = seconds;
    return classified;
  }
  if (status === 429 || status >= 500) return failure('WB_PARTNER_UNREACHABLE', where, retryAfter(response.headers['retry-after']));
  if (status === 404 || (status >= 300 && status < 400)) return failure('WB_PARTNER_CONFIG_REJECTED', `${where}; check the endpoint URL`);
  if (status < 200 || status >= 300) return failure('WB_PARTNER_REQUEST_REJECTED', where);
  if (parseProblem !== undefined) return failure('WB_PARTNER_RESPONSE_INVALID', `${where} with a body that is not XML werkbrug accepts (${parseProblem})`);
  const payload = envelope?.payload;
  if (!payload || payload.ns !== service.bodyNs || payload.local !== `${service.operation}Response`) {
    return failure('WB_PARTNER_RESPONSE_INVALID', `${where} without a ${service.operation}Response in a SOAP 1.1 envelope`);
  }
  const fwi = childElement(payload, FWI_NS, 'FWI');
  const fout = fwi ? (childElement(fwi, '', 'Fout') ?? childElement(fwi, service.bodyNs, 'Fout')) : undefined;
  const code = fwiCode(fout);
  if (code !== undefined && TRANSIENT.has(code)) return failure('WB_PARTNER_UNREACHABLE', `${where} with FWI ${code} in the body`);
  return root as XmlElement;
}

function deliveredPeriod(payload: XmlElement, ns: string): Period | undefined {
  const element = childElement(payload, ns, 'PeriodeGegevensleveringIko');
  if (!element) return undefined;
  const from = isoOfDatum(childText(element, ns, 'DatBPeriode'));
  const to = isoOfDatum(childText(element, ns, 'DatEPeriode'));
  return from !== undefined && to !== undefined && from <= to ? { from, to } : undefined;
}

export type ReadAnswer = ServiceAnswer | { readonly kind: 'relates-to-mismatch' };

/**
 * Reads an accepted answer to the question `messageId` about `bsn`. The children of the answer
 * root are matched in no namespace (the XSDs) or, as a tolerated producer bug, in the service
 * namespace (U16c), never by prefix.
 */
export function readAnswer(root: XmlElement, service: ServiceWireNames, bsn: string, messageId: string): ReadAnswer {
  const envelope = readEnvelope(root);
  const relatesTo = envelope?.header ? childText(envelope.header, WSA_NS, 'RelatesTo') : undefined;
  if (relatesTo !== messageId) return { kind: 'relates-to-mismatch' };
  const payload = envelope?.payload as XmlElement;
  if (childElement(payload, FWI_NS, 'NietsGevonden')) return { kind: 'not-found' };
  const ns = childElement(payload, '', 'ClientSuwi') ? '' : childElement(payload, service.bodyNs, 'ClientSuwi') ? service.bodyNs : undefined;
  const fwi = childElements(payload, FWI_NS, 'FWI');
  const codes = (local: string) => fwi.flatMap((f) => [...childElements(f, '', local), ...childElements(f, service.bodyNs, local)]).map(fwiCode);
  if (ns === undefined) {
    const code = codes('Fout')[0] ?? 'unknown';
    return REQUEST_BUGS.has(code) ? { kind: 'request-rejected', code } : { kind: 'refused', code };
  }
  const client = childElement(payload, ns, 'ClientSuwi') as XmlElement;
  const answered = normaliseBsn(childText(client, ns, 'Burgerservicenr'));
  if (!answered.ok || answered.bsn !== bsn) return { kind: 'bsn-mismatch' };
  const delivered = deliveredPeriod(payload, ns);
  return {
    kind: 'client',
    client,
    childNs: ns,
    ...(delivered ? { delivered } : {}),
    warnings: codes('Waarschuwing').map((code) => code ?? 'unknown'),
    namespaceWarning: ns !== '',
  };
}
