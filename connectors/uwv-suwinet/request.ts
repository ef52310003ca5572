import { randomUUID } from 'node:crypto';
import { SOAP11_NS, WSA_NS } from '../../src/xml/soap.js';
import { escapeXml } from '../../src/xml/xml-document.js';
import { datum, IKV, type ServiceWireNames } from './suwiml.js';

/**
 * One SuwiML question (spec §2, §7.1): SOAP 1.1 with the WS-Addressing headers the
 * Transactiestandaard requires (Action, a fresh `urn:uuid:` MessageID, To = the endpoint, From =
 * the afnemer's address with `?oin=`), and in the body only the BSN and, for inkomsten, the period.
 * The body holds a BSN: it goes to the partner and nowhere else (never logged, never an error).
 */
export interface Question {
  readonly xml: string;
  readonly messageId: string;
}

export interface QuestionInput {
  readonly service: ServiceWireNames;
  readonly endpoint: string;
  /** `https://werkbrug.example/edge/am13?oin=00000001999999999000`. */
  readonly fromAddress: string;
  readonly bsn: string;
  /** ISO dates; only the inkomsten service takes a period. */
  readonly period?: { readonly from: string; readonly to: string };
}

export const SOAP_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""', Accept: 'text/xml' } as const;

export function question(input: QuestionInput): Question {
  const messageId = `urn:uuid:${randomUUID()}`;
  const { service } = input;
  const period = service === IKV && input.period
    ? `<PeriodeGegevensvraagIko><DatBPeriode>${datum(input.period.from)}</DatBPeriode><DatEPeriode>${datum(input.period.to)}</DatEPeriode></PeriodeGegevensvraagIko>`
    : '';
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:wsa="${WSA_NS}" xmlns:smls="${service.bodyNs}">
  <soapenv:Header>
    <wsa:Action>${service.action}</wsa:Action>
    <wsa:MessageID>${messageId}</wsa:MessageID>
    <wsa:To>${escapeXml(input.endpoint)}</wsa:To>
    <wsa:From><wsa:Address>${escapeXml(input.fromAddress)}</wsa:Address></wsa:From>
  </soapenv:Header>
  <soapenv:Body>
    <smls:${service.operation}><Burgerservicenr>${escapeXml(input.bsn)}</Burgerservicenr>${period}</smls:${service.operation}>
  </soapenv:Body>
</soapenv:Envelope>
`;
  return { xml, messageId };
}
