import { childElement, type XmlElement } from './xml-document.js';

/**
 * SOAP 1.1 envelopes (`http://schemas.xmlsoap.org/soap/envelope/`), as both SOAP partners use
 * them. A Fault can arrive with HTTP 500 or, from some suites, with HTTP 200 (gemeente spec §6):
 * callers check the body, not only the status.
 */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSA_NS = 'http://www.w3.org/2005/08/addressing';

export interface SoapEnvelope {
  readonly header?: XmlElement;
  /** The first element child of `Body` (the answer, or a `Fault`). */
  readonly payload?: XmlElement;
}

export interface SoapFault {
  /** `faultcode` as written, e.g. `soapenv:Server`; the prefix is not resolved (QName content). */
  readonly faultcode: string;
  /** `Client`, `Server` or another local part of the fault code. */
  readonly faultcodeLocal: string;
  readonly faultstring: string;
  /** The element children of `detail` (StUF `Fo02Bericht`, FWI `Fout`, vendor detail). */
  readonly detail: readonly XmlElement[];
}

/**
 * The envelope's header and payload; undefined when the root is not a SOAP 1.1 Envelope (for
 * example a SOAP 1.2 envelope, or a bare answer element).
 */
export function readEnvelope(root: XmlElement): SoapEnvelope | undefined {
  if (root.ns !== SOAP11_NS || root.local !== 'Envelope') return undefined;
  const header = childElement(root, SOAP11_NS, 'Header');
  const body = childElement(root, SOAP11_NS, 'Body');
  const payload = body?.children[0];
  return { ...(header ? { header } : {}), ...(payload ? { payload } : {}) };
}

/** The Fault in a payload, if it is one. `faultcode`, `faultstring` and `detail` are unqualified. */
export function readFault(payload: XmlElement | undefined): SoapFault | undefined {
  if (payload === undefined || payload.ns !== SOAP11_NS || payload.local !== 'Fault') return undefined;
  const text = (local: string): string => payload.children.find((c) => c.local === local && (c.ns === '' || c.ns === SOAP11_NS))?.text.trim() ?? '';
  const faultcode = text('faultcode');
  const detail = payload.children.find((c) => c.local === 'detail' && (c.ns === '' || c.ns === SOAP11_NS));
  return { faultcode, faultcodeLocal: faultcode.includes(':') ? faultcode.slice(faultcode.indexOf(':') + 1) : faultcode, faultstring: text('faultstring'), detail: detail?.children ?? [] };
}
