import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Namespace-aware XML for the SOAP partners (`shared/partners/README.md` §2.2). fast-xml-parser
 * reads the syntax; this module resolves every prefix to its namespace URI, so connectors match
 * on (namespace URI, local name) and never on a prefix (edge cases G15, U16). It refuses a
 * `DOCTYPE` before parsing (no entity expansion, no external entities), caps the body size,
 * honours a UTF-8 or UTF-16 byte-order mark and the encoding the XML declaration names
 * (ISO-8859-1 answers, edge case G17), and checks well-formedness.
 *
 * Errors carry a reason and a position, never the document's content.
 */
export interface XmlAttribute {
  /** Namespace URI, '' for an unprefixed attribute. */
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  /** Namespace URI, '' for an element in no namespace. */
  readonly ns: string;
  readonly local: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element (text and CDATA, concatenated, untrimmed). */
  readonly text: string;
}

export type XmlErrorReason = 'too-large' | 'doctype' | 'encoding' | 'not-well-formed' | 'namespace';

export class XmlError extends Error {
  readonly reason: XmlErrorReason;
  constructor(reason: XmlErrorReason, message: string) {
    super(message);
    this.name = 'XmlError';
    this.reason = reason;
  }
}

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface ParseXmlOptions {
  /** Largest body accepted, in bytes (default 16 MiB). */
  readonly maxBytes?: number;
}

const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'iso-ir-100', 'cp819', 'windows-1252', 'cp1252', 'us-ascii', 'ascii']);

/** Decodes the bytes to a string by BOM, then by the XML declaration's `encoding` (default UTF-8). */
export function decodeXml(body: Buffer): string {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return body.subarray(3).toString('utf8');
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return new TextDecoder('utf-16le').decode(body.subarray(2));
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return new TextDecoder('utf-16be').decode(body.subarray(2));
  // The declaration is ASCII in every ASCII-compatible encoding, so reading it as latin1 is safe.
  const head = body.subarray(0, 200).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') {
    const text = body.toString('utf8');
    if (text.includes('\uFFFD') && !body.includes(Buffer.from('\uFFFD', 'utf8'))) {
      throw new XmlError('encoding', 'the body is not valid UTF-8 and declares no other encoding');
    }
    return text;
  }
  if (LATIN1.has(declared)) return new TextDecoder('windows-1252').decode(body);
  throw new XmlError('encoding', `the XML declaration names encoding "${declared}", expected UTF-8, UTF-16 or ISO-8859-1`);
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
});

type RawNode = Record<string, unknown>;

function textOfRaw(nodes: unknown): string {
  if (!Array.isArray(nodes)) return '';
  return nodes.map((n: RawNode) => (typeof n['#text'] === 'string' || typeof n['#text'] === 'number' ? String(n['#text']) : '')).join('');
}

function split(qname: string): [string | undefined, string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? [undefined, qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function resolve(node: RawNode, scope: ReadonlyMap<string, string>): XmlElement {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined) throw new XmlError('not-well-formed', 'an element without a name');
  const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>;
  let local = scope;
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (local === scope) local = new Map(scope);
      (local as Map<string, string>).set(key === 'xmlns' ? '' : key.slice(6), String(value));
    }
  }
  const [prefix, localName] = split(name);
  const ns = prefix === undefined ? (local.get('') ?? '') : prefix === 'xml' ? XML_NS : local.get(prefix);
  if (ns === undefined) throw new XmlError('namespace', `element <${name}> uses the undeclared prefix "${prefix}"`);
  const attributes: XmlAttribute[] = [];
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const [attrPrefix, attrLocal] = split(key);
    const attrNs = attrPrefix === undefined ? '' : attrPrefix === 'xml' ? XML_NS : attrPrefix === 'xmlns' ? XMLNS_NS : local.get(attrPrefix);
    if (attrNs === undefined) throw new XmlError('namespace', `attribute ${key} on <${name}> uses an undeclared prefix`);
    attributes.push({ ns: attrNs, local: attrLocal, value: String(value) });
  }
  const children: XmlElement[] = [];
  let text = '';
  const content = node[name];
  if (Array.isArray(content)) {
    for (const child of content as RawNode[]) {
      if ('#text' in child) text += String(child['#text']);
      else if ('#cdata' in child) text += textOfRaw(child['#cdata']);
      else if ('#comment' in child) continue;
      else children.push(resolve(child, local));
    }
  }
  return { ns, local: localName, attributes, children, text };
}

/** Parses one XML document into its root element, namespaces resolved. Throws {@link XmlError}. */
export function parseXml(body: Buffer | string, options: ParseXmlOptions = {}): XmlElement {
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (size > maxBytes) throw new XmlError('too-large', `the body has ${size} bytes, more than the ${maxBytes} allowed`);
  const text = typeof body === 'string' ? body.replace(/^\uFEFF/, '') : decodeXml(body);
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('doctype', 'the body declares a DOCTYPE; entity declarations are refused');
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlError('not-well-formed', `not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.code}`);
  const nodes = parser.parse(text) as RawNode[];
  const roots = nodes.filter((n) => !('#text' in n) && !('#comment' in n) && !('#cdata' in n));
  if (roots.length !== 1 || roots[0] === undefined) throw new XmlError('not-well-formed', `expected one root element, found ${roots.length}`);
  return resolve(roots[0], new Map([['xml', XML_NS]]));
}

/** The first child element with this namespace URI and local name. */
export function childElement(parent: XmlElement, ns: string, local: string): XmlElement | undefined {
  return parent.children.find((child) => child.ns === ns && child.local === local);
}

/** Every child element with this namespace URI and local name, in document order. */
export function childElements(parent: XmlElement, ns: string, local: string): XmlElement[] {
  return parent.children.filter((child) => child.ns === ns && child.local === local);
}

export function attributeValue(element: XmlElement, ns: string, local: string): string | undefined {
  return element.attributes.find((a) => a.ns === ns && a.local === local)?.value;
}

/** `xsi:nil="true"` (or `1`). */
export function isNil(element: XmlElement): boolean {
  const nil = attributeValue(element, XSI_NS, 'nil');
  return nil === 'true' || nil === '1';
}

/** Trimmed text of a child; undefined when the child is absent, nil or empty. */
export function childText(parent: XmlElement, ns: string, local: string): string | undefined {
  const child = childElement(parent, ns, local);
  if (child === undefined || isNil(child)) return undefined;
  const value = child.text.trim();
  return value === '' ? undefined : value;
}

/** Escapes text for element content and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
