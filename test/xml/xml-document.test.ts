import { describe, expect, it } from 'vitest';
import { childElement, childElements, childText, isNil, parseXml, XmlError, attributeValue } from '../../src/xml/xml-document.js';
import { readEnvelope, readFault, SOAP11_NS } from '../../src/xml/soap.js';

const PW = 'https://werkbrug.example/StUF/sector/pw/0100';
const STUF = 'http://www.egem.nl/StUF/StUF0301';

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof XmlError ? error.reason : 'other';
  }
}

describe('parseXml', () => {
  it('resolves prefixes to namespace URIs, whatever the prefix (G15)', () => {
    const a = parseXml(`<PW:o xmlns:PW="${PW}" xmlns:StUF="${STUF}"><PW:id>1</PW:id><StUF:x/></PW:o>`);
    const b = parseXml(`<o xmlns="${PW}" xmlns:ns1="${STUF}"><id>1</id><ns1:x/></o>`);
    for (const root of [a, b]) {
      expect([root.ns, root.local]).toEqual([PW, 'o']);
      expect(childText(root, PW, 'id')).toBe('1');
      expect(childElement(root, STUF, 'x')).toBeDefined();
    }
  });

  it('puts children with xmlns="" in no namespace (SuwiML unqualified children)', () => {
    const root = parseXml('<s:R xmlns:s="urn:svc"><ClientSuwi xmlns=""><Burgerservicenr>1</Burgerservicenr></ClientSuwi></s:R>');
    const client = childElement(root, '', 'ClientSuwi');
    expect(client && childText(client, '', 'Burgerservicenr')).toBe('1');
  });

  it('reads xsi:nil and attributes by namespace', () => {
    const root = parseXml(`<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:S="${STUF}"><d xsi:nil="true" S:noValue="geenWaarde"/></a>`);
    const d = root.children[0];
    expect(d && isNil(d)).toBe(true);
    expect(d && attributeValue(d, STUF, 'noValue')).toBe('geenWaarde');
    expect(childText(root, '', 'd')).toBeUndefined();
  });

  it('joins text and CDATA and decodes the predefined entities', () => {
    const root = parseXml('<a>x &amp; <![CDATA[<y>]]></a>');
    expect(root.text).toBe('x & <y>');
  });

  it('refuses a DOCTYPE before any entity is expanded', () => {
    expect(reason(() => parseXml('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>'))).toBe('doctype');
  });

  it('refuses bodies over the cap, broken syntax and undeclared prefixes', () => {
    expect(reason(() => parseXml(Buffer.alloc(2048, 0x20), { maxBytes: 1024 }))).toBe('too-large');
    expect(reason(() => parseXml('<a><b></a>'))).toBe('not-well-formed');
    expect(reason(() => parseXml('<a>'))).toBe('not-well-formed');
    expect(reason(() => parseXml('<p:a/>'))).toBe('namespace');
  });

  it('honours an ISO-8859-1 declaration and a UTF-8 byte-order mark (G17)', () => {
    const latin = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><n>Caf'), Buffer.from([0xe9]), Buffer.from(' Ren'), Buffer.from([0xeb]), Buffer.from('</n>')]);
    expect(parseXml(latin).text).toBe('Café Renë');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<n>é</n>', 'utf8')]);
    expect(parseXml(bom).text).toBe('é');
    expect(reason(() => parseXml(Buffer.from('<?xml version="1.0" encoding="EBCDIC-x"?><n/>')))).toBe('encoding');
  });

  it('lists repeated children in order', () => {
    const root = parseXml('<a><b>1</b><c/><b>2</b></a>');
    expect(childElements(root, '', 'b').map((b) => b.text)).toEqual(['1', '2']);
  });
});

describe('SOAP 1.1', () => {
  it('reads the payload and a Fault with its detail', () => {
    const root = parseXml(`<e:Envelope xmlns:e="${SOAP11_NS}"><e:Header/><e:Body><e:Fault><faultcode>e:Server</faultcode><faultstring>down</faultstring><detail><x:F xmlns:x="urn:f"/></detail></e:Fault></e:Body></e:Envelope>`);
    const envelope = readEnvelope(root);
    const fault = readFault(envelope?.payload);
    expect(fault).toMatchObject({ faultcode: 'e:Server', faultcodeLocal: 'Server', faultstring: 'down' });
    expect(fault?.detail.map((d) => [d.ns, d.local])).toEqual([['urn:f', 'F']]);
  });

  it('is undefined for a root that is not a SOAP 1.1 envelope', () => {
    expect(readEnvelope(parseXml('<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"/>'))).toBeUndefined();
  });
});
