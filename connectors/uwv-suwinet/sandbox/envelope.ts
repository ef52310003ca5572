import { randomUUID } from 'node:crypto';
import type { PreparedResponse, WireFormat } from '../../../src/sandbox/index.js';
import { SOAP11_NS, WSA_NS } from '../../../src/xml/soap.js';
import { escapeXml } from '../../../src/xml/xml-document.js';
import { FWI_NS, FWI_TEXTS } from '../suwiml.js';

/**
 * SOAP 1.1 envelopes as the UWV sandbox sends them (spec §2, §7): answers with the WS-Addressing
 * headers Action, a new MessageID, RelatesTo (= the question's MessageID), To (= the question's
 * From) and From; Faults with an FWI `Fout` in `detail` (spec §7.4); and the gateway's native
 * error, a Fault without FWI detail (`partners/README.md` §3.1).
 */
export interface Addressing {
  readonly action: string;
  /** The question's MessageID; absent leaves out RelatesTo (U04 serves that on purpose). */
  readonly relatesTo?: string;
  readonly to?: string;
  readonly from?: string;
}

const XML_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8' } as const;

function header(addressing: Addressing): string {
  const parts = [
    `<wsa:Action>${escapeXml(addressing.action)}</wsa:Action>`,
    `<wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>`,
    addressing.relatesTo !== undefined ? `<wsa:RelatesTo>${escapeXml(addressing.relatesTo)}</wsa:RelatesTo>` : '',
    addressing.to !== undefined ? `<wsa:To>${escapeXml(addressing.to)}</wsa:To>` : '',
    addressing.from !== undefined ? `<wsa:From><wsa:Address>${escapeXml(addressing.from)}</wsa:Address></wsa:From>` : '',
  ];
  return `<soapenv:Header>\n    ${parts.filter(Boolean).join('\n    ')}\n  </soapenv:Header>`;
}

export function envelope(body: string, addressing?: Addressing): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:wsa="${WSA_NS}">
  ${addressing ? header(addressing) : ''}
  <soapenv:Body>
  ${body}
  </soapenv:Body>
</soapenv:Envelope>
`;
}

export function xmlAnswer(status: number, xml: string, headers: Readonly<Record<string, string>> = {}): PreparedResponse {
  return { status, headers: { ...XML_HEADERS, ...headers }, body: Buffer.from(xml, 'utf8') };
}

/** A Fault with an FWI `Fout` (spec §7.4): `Client` for a request bug, `Server` otherwise. */
export function fwiFault(code: string, options: { httpStatus?: number; text?: string; addressing?: Addressing } = {}): PreparedResponse {
  const text = options.text ?? FWI_TEXTS[code] ?? 'Onbekende fout.';
  const faultcode = code === 'FWI0030' || code === 'FWI0040' || code === 'FWI0050' ? 'soapenv:Client' : 'soapenv:Server';
  const body = `<soapenv:Fault>
      <faultcode>${faultcode}</faultcode>
      <faultstring>${escapeXml(text.replace(/\.$/, ''))}</faultstring>
      <detail>
        <fwi:Fout xmlns:fwi="${FWI_NS}"><Code>${escapeXml(code)}</Code><Tekst>${escapeXml(text)}</Tekst><Bron><DN>cn=polisadministratie,ou=sandbox,o=UWV,c=NL</DN></Bron></fwi:Fout>
      </detail>
    </soapenv:Fault>`;
  return xmlAnswer(options.httpStatus ?? 500, envelope(body, options.addressing));
}

/** What a security gateway in front of the service sends: a Fault with only faultcode and faultstring. */
function gatewayFault(status: number, message: string): string {
  const faultcode = status < 500 ? 'soapenv:Client' : 'soapenv:Server';
  return envelope(`<soapenv:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>`);
}

const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 429: 'Too many requests',
  500: 'Internal server error', 502: 'Bad gateway', 503: 'Service unavailable', 504: 'Gateway timeout',
};

export const uwvWireFormat: WireFormat = {
  partner: 'uwv',
  nativeError: (status, options) => xmlAnswer(status, gatewayFault(status, options?.message ?? DEFAULT_MESSAGES[status] ?? `HTTP ${status}`)),
  unauthorized: () => xmlAnswer(401, gatewayFault(401, 'Unauthorized: a valid bearer token is required'), { 'WWW-Authenticate': 'Bearer realm="suwinet-sandbox"' }),
  // Cut inside a tag and unclosed: no XML parser accepts it.
  malform: (body) => Buffer.concat([body.subarray(0, Math.max(0, Math.floor(body.length / 2))), Buffer.from('<Inkomstenverhouding><VolgnrIkv>1</Volg', 'utf8')]),
};

/** The `xml-doctype` fault: the answer preceded by a DOCTYPE that declares entities. */
export function withDoctype(answer: PreparedResponse): PreparedResponse {
  const text = answer.body.toString('utf8').replace(/^<\?xml[^>]*\?>\s*/, '');
  const doctype = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE soapenv:Envelope [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n';
  return { ...answer, body: Buffer.from(doctype + text, 'utf8') };
}
