import { randomUUID } from 'node:crypto';
import { escapeXml } from '../../../src/xml/xml-document.js';
import { SOAP11_NS } from '../../../src/xml/soap.js';
import type { PreparedResponse, WireFormat } from '../../../src/sandbox/index.js';
import { answerName, PW_NS, STUF_NS, type Entiteittype } from '../stuf-names.js';
import { ONTVANGER_APPLICATIE, ZENDER } from './partners.js';
import type { ScopeSpec } from './question.js';
import { pw, renderNode, standardStyle, stuf, type RenderStyle, type XNode } from './xml-node.js';

/**
 * SOAP 1.1 answers of the gemeente suite: `{xxx}La01` (spec §3), Fo02 faults (spec §4.5, §6), the
 * native gateway Fault without StUF detail (`partners/README.md` §2.1), and the wire format the
 * shared sandbox server uses for errors, 401 and `malformed`.
 */
export const TEXT_XML = 'text/xml; charset=utf-8';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface AnswerPage {
  readonly type: Entiteittype;
  readonly ontvanger: string;
  readonly crossRef: string;
  readonly tijdstip: string;
  readonly vervolg: boolean;
  readonly aantal?: number;
  readonly meldingen: readonly string[];
  readonly objects: readonly XNode[];
  readonly style: RenderStyle;
  /** G17: the whole answer in ISO-8859-1, declared in the XML declaration. */
  readonly latin1?: boolean;
}

function envelope(body: string, style: RenderStyle, encoding = 'UTF-8'): string {
  const pwDecl = style.pw === '' ? ` xmlns="${PW_NS}"` : ` xmlns:${style.pw}="${PW_NS}"`;
  return `<?xml version="1.0" encoding="${encoding}"?>\n<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:${style.stuf}="${STUF_NS}"${pwDecl} xmlns:xsi="${XSI}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>\n`;
}

// ISO-8859-1 cannot hold every name (`ı`, `ş`): those become character references, which any XML parser reads.
function latin1(text: string): Buffer {
  return Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, (ch) => `&#${ch.codePointAt(0) ?? 63};`), 'latin1');
}

export function answerResponse(page: AnswerPage): PreparedResponse {
  const stuurgegevens = pw('stuurgegevens', [
    stuf('berichtcode', 'La01'),
    stuf('zender', [stuf('organisatie', page.ontvanger), stuf('applicatie', ONTVANGER_APPLICATIE)]),
    stuf('ontvanger', [stuf('organisatie', ZENDER.organisatie), stuf('applicatie', ZENDER.applicatie)]),
    stuf('referentienummer', `SOCDOM-${randomUUID()}`),
    stuf('tijdstipBericht', page.tijdstip),
    stuf('crossRefnummer', page.crossRef),
    stuf('entiteittype', page.type),
  ]);
  const parameters = pw('parameters', [stuf('indicatorVervolgvraag', page.vervolg ? 'true' : 'false'), ...(page.aantal !== undefined ? [stuf('aantalVoorkomens', String(page.aantal))] : [])]);
  const children: XNode[] = [stuurgegevens, parameters, ...page.meldingen.map((text) => pw('melding', text.slice(0, 250)))];
  if (page.objects.length > 0) children.push(pw('antwoord', page.objects));
  const text = envelope(renderNode(pw(answerName(page.type), children), page.style).join(''), page.style, page.latin1 ? 'ISO-8859-1' : 'UTF-8');
  return {
    status: 200,
    headers: { 'Content-Type': page.latin1 ? 'text/xml; charset=ISO-8859-1' : TEXT_XML },
    body: page.latin1 ? latin1(text) : Buffer.from(text, 'utf8'),
  };
}

/** Codes the sandbox knows, with their `plek` and default omschrijving (spec §6). */
const FO02: Readonly<Record<string, readonly ['client' | 'server', string]>> = {
  StUF010: ['client', 'Ontvanger onbekend'],
  StUF013: ['client', 'Zender onbekend'],
  StUF052: ['client', 'Zender is niet geautoriseerd voor dit entiteittype'],
  StUF055: ['client', 'Bericht niet conform schema'],
  StUF079: ['client', 'Element komt voor in zowel gelijk als vanaf'],
  StUF097: ['client', 'Scope bevat zowel attribuut als elementen'],
  StUF103: ['client', 'Vervolgvraag zonder start'],
  StUF133: ['client', 'Sortering wordt niet ondersteund'],
  StUF049: ['server', 'Proces voor afhandelen synchroon bericht niet beschikbaar'],
  StUF058: ['server', 'Verwerking van het bericht is mislukt'],
  StUF960: ['server', 'Antwoord kon niet binnen de connectie time-out worden gegeven'],
};

/** A SOAP Fault carrying an Fo02 (spec §4.5). Unknown codes count as `server`. */
export function fo02Response(code: string, options: { omschrijving?: string; details?: string; httpStatus?: number } = {}): PreparedResponse {
  const [plek, text] = FO02[code] ?? ['server', 'Fout bij het verwerken van het bericht'];
  const omschrijving = (options.omschrijving ?? text).slice(0, 200);
  const detail = [
    `<StUF:Fo02Bericht><StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode></StUF:stuurgegevens><StUF:body>`,
    `<StUF:code>${escapeXml(code)}</StUF:code><StUF:plek>${plek}</StUF:plek><StUF:omschrijving>${escapeXml(omschrijving)}</StUF:omschrijving>`,
    options.details ? `<StUF:details>${escapeXml(options.details.slice(0, 1000))}</StUF:details>` : '',
    `</StUF:body></StUF:Fo02Bericht>`,
  ].join('');
  const fault = `<soapenv:Fault><faultcode>soapenv:${plek === 'client' ? 'Client' : 'Server'}</faultcode><faultstring>${escapeXml(omschrijving)}</faultstring><detail>${detail}</detail></soapenv:Fault>`;
  return { status: options.httpStatus ?? 500, headers: { 'Content-Type': TEXT_XML }, body: Buffer.from(envelope(fault, standardStyle), 'utf8') };
}

/** A gateway's Fault: `faultcode` and `faultstring` only, no StUF detail. */
export function gatewayFault(status: number, faultstring: string, headers: Readonly<Record<string, string>> = {}): PreparedResponse {
  const fault = `<soapenv:Fault><faultcode>soapenv:${status < 500 ? 'Client' : 'Server'}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soapenv:Fault>`;
  return { status, headers: { 'Content-Type': TEXT_XML, ...headers }, body: Buffer.from(envelope(fault, standardStyle), 'utf8') };
}

const GATEWAY_TEXT: Readonly<Record<number, string>> = {
  400: 'Policy Falsified: request rejected by the gateway',
  403: 'Policy Falsified: access denied',
  404: 'Service not found',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway: the service did not answer',
  503: 'Service temporarily unavailable',
  504: 'Gateway timeout',
};

export const stufWireFormat: WireFormat = {
  partner: 'gemeente',
  nativeError(status, options = {}) {
    const headers: Record<string, string> = options.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(options.retryAfterSeconds) };
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
    return gatewayFault(status, options.message ?? GATEWAY_TEXT[status] ?? (status >= 500 ? 'Server error' : 'Request refused'), headers);
  },
  unauthorized() {
    return gatewayFault(401, 'Authentication required: send Authorization: Bearer <token>', { 'WWW-Authenticate': 'Bearer' });
  },
  malform(body) {
    // Cut the tail and end inside a tag no XML parser accepts, keeping roughly the original length.
    const broken = Buffer.from('<PW:object><</', 'utf8');
    if (body.length <= broken.length) return Buffer.from('<soapenv:Envelope', 'utf8');
    return Buffer.concat([body.subarray(0, body.length - broken.length), broken]);
  },
};

/** A DOCTYPE that declares entities, put before an answer (fault `xml-doctype`). */
export function withDoctype(answer: PreparedResponse): PreparedResponse {
  const text = answer.body.toString('latin1');
  const declaration = /^<\?xml[^>]*\?>\s*/.exec(text)?.[0] ?? '';
  const doctype = '<!DOCTYPE soapenv:Envelope [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\n';
  return { ...answer, body: Buffer.concat([Buffer.from(declaration, 'latin1'), Buffer.from(doctype, 'latin1'), answer.body.subarray(Buffer.byteLength(declaration, 'latin1'))]) };
}

/** Keeps the listed elements of an object (spec §8); key elements always stay. */
export function applyScope(object: XNode, scope: ScopeSpec, keys: readonly string[] = ['mutatievolgnummer', 'identificatie']): XNode {
  const children = (object.children ?? []).flatMap((child): XNode[] => {
    const listed = scope.children.get(child.name);
    if (keys.includes(child.name)) return [child];
    if (!listed) return [];
    return [listed.children.size === 0 ? child : applyScope(child, listed, [])];
  });
  return { ...object, children };
}
