import { escapeXml, parseXml, childElement, type XmlElement } from '@werkbrug/xml/xml-document.js';
import { readEnvelope } from '@werkbrug/xml/soap.js';
import { faultTypes, formatAmsterdamInstant, type FaultType, type PreparedResponse, type SandboxHandler, type WireFormat } from '@werkbrug/sandbox/index.js';
import type { PlacementStore } from './data.js';

/**
 * The partner's SOAP 1.1 wire format: `POST /services/placements` with SOAPAction
 * `urn:werkbrug:placements/ListPlacements`; the answer lists `<placement>`s and a `<next>` token
 * while more follow. A `soap-fault` fault rule answers a Fault whose `<detail><error><code>` is
 * the rule's code; a gateway error (`http-error`) is a Fault with no detail.
 */
export const basePath = '/services';
const NS = 'urn:werkbrug:placements';
const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const operation = 'ListPlacements';
/** A fault rule `match` that hits every question of the placements stream. */
export const faultMatch = { operation };
export const supportedFaults: ReadonlySet<FaultType> = new Set(faultTypes.filter((type) => type !== 'expire-paging' && type !== 'xml-doctype'));

export interface WireSource {
  store(): PlacementStore;
  origin(): string;
}

function xml(status: number, body: string, headers: Readonly<Record<string, string>> = {}): PreparedResponse {
  const envelope = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP}" xmlns:pl="${NS}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  return { status, headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers }, body: Buffer.from(envelope, 'utf8') };
}

function fault(status: number, faultstring: string, code?: string): PreparedResponse {
  const detail = code === undefined ? '' : `<detail><pl:error><pl:code>${escapeXml(code)}</pl:code><pl:message>${escapeXml(faultstring)}</pl:message></pl:error></detail>`;
  return xml(status, `<soapenv:Fault><faultcode>soapenv:${status >= 500 ? 'Server' : 'Client'}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring>${detail}</soapenv:Fault>`);
}

export const wireFormat: WireFormat = {
  partner: '__name__',
  nativeError: (status, options = {}) => {
    const answer = fault(status, options.message ?? 'the request failed');
    return options.retryAfterSeconds === undefined ? answer : { ...answer, headers: { ...answer.headers, 'Retry-After': String(options.retryAfterSeconds) } };
  },
  unauthorized: () => {
    const answer = fault(401, 'not authorised');
    return { ...answer, headers: { ...answer.headers, 'WWW-Authenticate': 'Bearer' } };
  },
  malform: (body) => Buffer.concat([body.subarray(0, Math.floor(body.length * 0.7)), Buffer.from('<pl:', 'utf8')]),
};

function operationOf(soapAction: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(soapAction) ? soapAction[0] : soapAction)?.replace(/"/g, '').trim();
  return value === undefined || value === '' ? undefined : value.slice(value.lastIndexOf('/') + 1);
}

function question(body: Buffer): XmlElement | undefined {
  try {
    const payload = readEnvelope(parseXml(body))?.payload;
    return payload?.ns === NS && payload.local === operation ? payload : undefined;
  } catch {
    return undefined;
  }
}

export function createHandler(source: WireSource): SandboxHandler {
  return {
    describe: (request) => {
      const name = operationOf(request.headers.soapaction);
      return name === undefined ? {} : { operation: name };
    },
    handle: (request, armed) => {
      if (armed?.type === 'soap-fault') return fault(armed.httpStatus, armed.omschrijving ?? 'service temporarily unavailable', armed.code);
      if (request.method !== 'POST' || request.path !== `${basePath}/placements`) return fault(404, 'no such service');
      if (operationOf(request.headers.soapaction) !== operation) return fault(500, 'unknown SOAPAction', 'PL020');
      const asked = question(request.body);
      if (asked === undefined) return fault(500, `expected a ${operation} question`, 'PL021');
      const text = (local: string): string | undefined => childElement(asked, NS, local)?.text.trim() || undefined;
      const limit = Number(text('limit') ?? '100');
      const since = text('updatedSince');
      const sinceMs = since === undefined ? undefined : Date.parse(since);
      const offset = Number(text('start') ?? '0');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1_000 || !Number.isInteger(offset) || offset < 0 || Number.isNaN(sinceMs)) return fault(500, 'limit, start or updatedSince is not valid', 'PL021');
      const all = source.store().list(sinceMs);
      const element = (name: string, value: string | number): string => `<pl:${name}>${escapeXml(String(value))}</pl:${name}>`;
      const placements = all.slice(offset, offset + limit).map((version) => {
        const fields = Object.entries(version.fields).map(([name, value]) => element(name, value)).join('');
        return `<pl:placement>${element('id', version.id)}${element('version', version.version)}${element('updatedAt', formatAmsterdamInstant(version.updatedAtMs))}${fields}</pl:placement>`;
      });
      const next = offset + limit < all.length ? element('next', offset + limit) : '';
      return xml(200, `<pl:${operation}Response>${placements.join('')}${next}</pl:${operation}Response>`);
    },
  };
}
