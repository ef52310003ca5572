import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEnvelope, readFault } from '../../src/xml/soap.js';
import { childElement, parseXml, XmlError } from '../../src/xml/xml-document.js';
import { readPerson } from './mapping/client.js';
import { demoPseudonymiser, edgeContext } from './fixtures/test-kit.js';
import { field, readClient } from './source-schema.js';
import { faultError } from './stuf-response.js';

/**
 * Real StUF messages published by others (EUPL-1.2; `fixtures/published/SOURCES.md`), read as
 * the connector reads a partner's answer.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'published');
const file = (name: string) => readFileSync(join(dir, name));

function faultOf(bytes: Buffer | string) {
  const fault = readFault(readEnvelope(parseXml(bytes))?.payload);
  if (!fault) throw new Error('no Fault');
  return fault;
}

describe('open-forms StufBgErrorResponse.xml (a Layer 7 gateway Fault)', () => {
  const fault = faultOf(file('StufBgErrorResponse.xml'));

  it('has no StUF detail, so it is transient with HTTP 500; the gateway\'s own text is not repeated', () => {
    const error = faultError(fault, 500, 'POST /stuf');
    expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
    expect(error.message).not.toContain('Policy Falsified');
    expect(error.message).toContain('without StUF detail');
  });

  it('is a configuration fault with HTTP 401 or 403', () => {
    expect(faultError(fault, 401, 'POST /stuf').code).toBe('WB_PARTNER_AUTH');
    expect(faultError(fault, 403, 'POST /stuf').code).toBe('WB_PARTNER_AUTH');
  });
});

describe('Haarlem zaakregistratiecomponent fault.xml', () => {
  const bytes = file('fault.xml');

  it('is refused as a whole: two envelopes are not one XML document', () => {
    expect(() => parseXml(bytes)).toThrow(XmlError);
  });

  it('its first envelope is a Client Fault with an Fo02 without code: a request bug, named by its faultcode only', () => {
    const first = bytes.toString('utf8').slice(0, bytes.toString('utf8').indexOf('</soap11env:Envelope>') + '</soap11env:Envelope>'.length);
    const error = faultError(faultOf(first), 500, 'POST /stuf');
    expect(error.code).toBe('WB_PARTNER_REQUEST_REJECTED');
    expect(error.message).toContain('Fo02 without code, faultcode soap11env:Client');
    expect(error.message).not.toContain('Berichtbody is niet conform schema in sectormodel');
  });

  it('its second envelope (a template) carries code "?" and is not mistaken for a known code', () => {
    const text = bytes.toString('utf8');
    const second = text.slice(text.indexOf('<soapenv:Envelope'));
    const error = faultError(faultOf(second), 500, 'POST /stuf');
    expect(error.message).toContain('Fo02 unreadable');
    expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
  });
});

describe('open-forms StufBgResponse.xml (an npsLa01 with the sector namespace as ns:)', () => {
  const root = parseXml(file('StufBgResponse.xml'));
  const bg = 'http://www.egem.nl/StUF/sector/bg/0310';
  const answer = readEnvelope(root)?.payload;
  const object = answer ? childElement(childElement(answer, bg, 'antwoord') ?? answer, bg, 'object') : undefined;

  it('parses by namespace URI, whatever the prefix', () => {
    expect(answer?.local).toBe('npsLa01');
    expect(object?.attributes).toContainEqual({ ns: 'http://www.egem.nl/StUF/StUF0301', local: 'entiteittype', value: 'NPS' });
  });

  it('reads noValue the StUF way (nil with geenWaarde is no value)', () => {
    expect(field(undefined, 'x')).toEqual({ kind: 'absent' });
    const voorvoegsel = object ? childElement(object, bg, 'voorvoegselGeslachtsnaam') : undefined;
    expect(voorvoegsel?.text).toBe('');
    expect(voorvoegsel?.attributes).toContainEqual({ ns: 'http://www.egem.nl/StUF/StUF0301', local: 'noValue', value: 'geenWaarde' });
  });

  it('pseudonymises its BSN and reduces its birth date when read as the client of a pw object', () => {
    if (!object) throw new Error('no object');
    // Re-home the StUF-BG person under heeftAlsClient/gerelateerde in the pw namespace, as sector models embed it.
    const pw = 'https://werkbrug.example/StUF/sector/pw/0100';
    const rehome = (e: typeof object): typeof object => ({ ...e, ns: e.ns === bg ? pw : e.ns, children: e.children.map(rehome) });
    const related = { ...rehome(object), local: 'gerelateerde' };
    const client = readClient({ ns: pw, local: 'object', attributes: [], text: '', children: [{ ns: pw, local: 'heeftAlsClient', attributes: [], text: '', children: [related] }] });
    const reading = readPerson(client, edgeContext());
    expect(reading).toEqual({ person: demoPseudonymiser.person('999992314'), birthDate: '1980-09-15' });
  });
});
