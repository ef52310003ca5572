import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedPerson } from '../../../src/sandbox/index.js';
import { childElement, childElements, childText, parseXml, type XmlElement } from '../../../src/xml/xml-document.js';
import { readEnvelope, readFault } from '../../../src/xml/soap.js';
import { configFor, httpFor, pullAll } from '../fixtures/test-kit.js';
import { buildQuestion, type QuestionSpec } from '../question.js';
import { PW_NS, STUF_NS, soapAction } from '../stuf-names.js';
import { startGemeenteSandbox, type GemeenteSandbox } from './server.js';

/** The sandbox's own rules (spec §2, §6, §8, §9): question checks, control API, partners, fixtures, volume. */
const now = '2025-06-02T10:00:00+02:00';

async function post(sandbox: GemeenteSandbox, body: string, action = 'rivLv01') {
  const response = await fetch(`${sandbox.url}/stuf/pw0100/BeantwoordVraag`, {
    method: 'POST', headers: { Authorization: 'Bearer sandbox', 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: soapAction(action) }, body,
  });
  const root = parseXml(Buffer.from(await response.arrayBuffer()));
  return { status: response.status, payload: readEnvelope(root)?.payload };
}

function fo02Code(payload: XmlElement | undefined): string | undefined {
  const fault = readFault(payload);
  const bericht = fault?.detail.find((d) => d.local === 'Fo02Bericht');
  const body = bericht ? childElement(bericht, STUF_NS, 'body') : undefined;
  return body ? childText(body, STUF_NS, 'code') : undefined;
}

const question = (spec: Partial<QuestionSpec> = {}, config = configFor('http://sandbox.test')) => buildQuestion(config, { type: 'RIV', vanaf: 1, maximumAantal: 10, scope: 'alles', ...spec }).body;

describe('gemeente sandbox questions', () => {
  let sandbox: GemeenteSandbox;
  beforeAll(async () => {
    sandbox = await startGemeenteSandbox({ now });
  });
  afterAll(() => sandbox.close());

  it.each([
    ['a SOAPAction that does not match the body', question(), 'pwuLv01', 'StUF055'],
    ['an unknown ontvanger', question({}, configFor('http://sandbox.test', { ontvanger: { organisatie: '9999' } })), 'rivLv01', 'StUF010'],
    ['an unknown zender', question({}, configFor('http://sandbox.test', { zender: { organisatie: 'AM99', gebruiker: 'x' } })), 'rivLv01', 'StUF013'],
    ['sortering 2', question().replace('<StUF:sortering>1</StUF:sortering>', '<StUF:sortering>2</StUF:sortering>'), 'rivLv01', 'StUF133'],
    ['a follow-up without start', question().replace('<StUF:indicatorVervolgvraag>false', '<StUF:indicatorVervolgvraag>true'), 'rivLv01', 'StUF103'],
    ['mutatievolgnummer in gelijk and vanaf', question({ gelijk: { gemeentecode: '0344' } }).replace('<PW:gemeentecode>0344</PW:gemeentecode>', '<PW:mutatievolgnummer>3</PW:mutatievolgnummer>'), 'rivLv01', 'StUF079'],
    ['a scope with both attribute and elements', question().replace('StUF:scope="alles"/>', 'StUF:scope="alles"><PW:identificatie/></PW:object>'), 'rivLv01', 'StUF097'],
    ['children out of order', question().replace(/(<PW:parameters>.*<\/PW:parameters>)(<PW:vanaf.*<\/PW:vanaf>)/, '$2$1'), 'rivLv01', 'StUF055'],
  ])('refuses %s with an Fo02 %s', async (_what, body, action, code) => {
    const answer = await post(sandbox, body, action);
    expect(answer.status).toBe(500);
    expect(fo02Code(answer.payload)).toBe(code);
  });

  it('serves at most 200 with a melding saying so, and counts all matches when asked', async () => {
    const { payload } = await post(sandbox, question({ maximumAantal: 500, indicatorAantal: true }));
    const objects = childElements(childElement(payload ?? parseXml('<x/>'), PW_NS, 'antwoord') ?? parseXml('<x/>'), PW_NS, 'object');
    expect(objects.length).toBeLessThanOrEqual(200);
    expect(childText(payload ?? parseXml('<x/>'), PW_NS, 'melding')).toContain('200');
    const parameters = payload ? childElement(payload, PW_NS, 'parameters') : undefined;
    const total = sandbox.groundTruth().objects.filter((o) => o.entiteittype === 'RIV').reduce((sum, o) => sum + o.mutations.length, 0);
    expect(Number(parameters ? childText(parameters, STUF_NS, 'aantalVoorkomens') : -1)).toBe(total);
  });

  it('serves P1, P5, P8 and P9 as gem-utrecht, P8 with the BSN 10000021', () => {
    const persons = new Set(sandbox.groundTruth().objects.map((o) => o.person));
    for (const key of ['P1', 'P5', 'P8', 'P9']) expect(persons.has(key)).toBe(true);
    expect(persons.has('P3')).toBe(false);
    expect(sandbox.objectXml('RIV', '0344-RV-2025-000402')).toContain('<PW:inp.bsn>10000021</PW:inp.bsn>');
  });

  it('serves only generated persons of its gemeenten: persons 1…491 of the ggz sandbox living in 0344', () => {
    const generated = new Set(sandbox.groundTruth().objects.map((o) => o.person).filter((p): p is string => p?.startsWith('G') ?? false));
    expect(generated.size).toBeGreaterThan(100);
    for (const key of generated) {
      const n = Number(key.slice(1));
      expect(n).toBeLessThanOrEqual(491);
      expect(generatedPerson(42, n).gemeenteCode).toBe('0344');
    }
  });

  it('numbers mutations from 10000, strictly increasing over the three entiteittypen', () => {
    const all = sandbox.groundTruth().objects.flatMap((o) => o.mutations.map((m) => m.n)).sort((a, b) => a - b);
    expect(all[0]).toBe(10_000);
    expect(new Set(all).size).toBe(all.length);
    expect(all.at(-1)).toBe(10_000 + all.length - 1);
  });
});

describe('gemeente sandbox control API', () => {
  let sandbox: GemeenteSandbox;
  beforeAll(async () => {
    sandbox = await startGemeenteSandbox({ now, persons: 40 });
  });
  afterAll(() => sandbox.close());
  const control = (method: string, path: string, body?: string) =>
    fetch(`${sandbox.url}/__control${path}`, { method, headers: { Authorization: 'Bearer control' }, ...(body !== undefined ? { body } : {}) });

  it('PUT appends a W with the next number, DELETE a V, and PUT after that a T', async () => {
    const xml = sandbox.objectXml('PWU', '0344-PW-2023-004411') ?? '';
    const changed = await (await control('PUT', '/records/PWU/0344-PW-2023-004411', xml)).json() as { mutatievolgnummer: number; mutatiesoort: string };
    expect(changed.mutatiesoort).toBe('W');
    const removed = await (await control('DELETE', '/records/PWU/0344-PW-2023-004411')).json() as { mutatievolgnummer: number; mutatiesoort: string };
    expect(removed).toMatchObject({ mutatiesoort: 'V', mutatievolgnummer: changed.mutatievolgnummer + 1 });
    expect((await control('DELETE', '/records/PWU/0344-PW-2023-004411')).status).toBe(404);
    const again = await control('PUT', '/records/PWU/0344-PW-2023-004411', xml);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { mutatiesoort: string }).mutatiesoort).toBe('T');
  });

  it('PUT ?visibleAfter=n holds a mutation back until n was served (G19 by hand)', async () => {
    const health = await (await control('GET', '/health')).json() as { nextMutation: number };
    const xml = sandbox.objectXml('RIV', '0344-RV-2025-000317') ?? '';
    const held = await (await control('PUT', `/records/RIV/0344-RV-2025-000317?visibleAfter=${health.nextMutation + 1}`, xml)).json() as { mutatievolgnummer: number; visible: boolean };
    expect(held.visible).toBe(false);
    await control('PUT', '/records/RIV/0344-RV-2025-000355', sandbox.objectXml('RIV', '0344-RV-2025-000355'));
    const config = configFor(sandbox.url);
    const first = await pullAll(config, 'RIV', httpFor(sandbox.url));
    expect(first.flatMap((p) => p.items).some((i) => childText(i.object, PW_NS, 'mutatievolgnummer') === String(held.mutatievolgnummer))).toBe(false);
    const second = await pullAll(config, 'RIV', httpFor(sandbox.url), first.at(-1)?.cursor);
    expect(second.flatMap((p) => p.items).map((i) => childText(i.object, PW_NS, 'mutatievolgnummer'))).toEqual([String(held.mutatievolgnummer)]);
  });

  it('refuses a body that is not a PW:object of the path\'s entiteittype', async () => {
    expect((await control('PUT', '/records/RIV/x-1', '<object/>')).status).toBe(400);
    expect((await control('PUT', '/records/RIV/x-1', (sandbox.objectXml('PWU', '0344-PW-2024-001877') ?? '')) ).status).toBe(400);
  });
});

describe('gemeente sandbox partners, fixtures and volume', () => {
  it('plays WIL with its ontvanger code and serves P3 and P4', async () => {
    const sandbox = await startGemeenteSandbox({ partner: 'uo-wil-lekstroom', now, persons: 30 });
    try {
      expect(sandbox.ontvanger).toBe('WIL');
      const persons = new Set(sandbox.groundTruth().objects.map((o) => o.person));
      expect([...persons].filter((p) => p?.startsWith('P')).sort()).toEqual(['P3', 'P4']);
      const pages = await pullAll(configFor(sandbox.url, { ontvanger: { organisatie: 'WIL' }, zender: { gebruiker: 'uo-wil-lekstroom' } }), 'PWU', httpFor(sandbox.url));
      expect(pages.flatMap((p) => p.items).some((i) => childText(i.object, PW_NS, 'identificatie') === '0356-PW-2022-088412')).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it('replays a fixture folder: file 001 for the first question, the next for each follow-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stuf-fixtures-'));
    const page = (n: number, more: boolean) =>
      `<?xml version="1.0" encoding="UTF-8"?><PW:rivLa01 xmlns:PW="${PW_NS}" xmlns:StUF="${STUF_NS}"><PW:parameters><StUF:indicatorVervolgvraag>${more}</StUF:indicatorVervolgvraag></PW:parameters><PW:antwoord><PW:object StUF:entiteittype="RIV"><PW:mutatievolgnummer>${n}</PW:mutatievolgnummer><PW:mutatiesoort>V</PW:mutatiesoort><PW:identificatie>R-${n}</PW:identificatie><PW:gemeentecode>0344</PW:gemeentecode></PW:object></PW:antwoord></PW:rivLa01>`;
    writeFileSync(join(dir, 'RIV_La01_001.xml'), page(5, true));
    writeFileSync(join(dir, 'RIV_La01_002.xml'), page(9, false));
    const sandbox = await startGemeenteSandbox({ fixturesDir: dir, now });
    try {
      const pages = await pullAll(configFor(sandbox.url), 'RIV', httpFor(sandbox.url));
      expect(pages.map((p) => p.items.map((i) => childText(i.object, PW_NS, 'identificatie')))).toEqual([['R-5'], ['R-9']]);
      expect(await pullAll(configFor(sandbox.url), 'LKS', httpFor(sandbox.url))).toMatchObject([{ items: [], last: true }]);
    } finally {
      await sandbox.close();
    }
  });

  it('volume: loads 20,000 generated persons quickly and pages without building the whole log', async () => {
    const started = performance.now();
    const sandbox = await startGemeenteSandbox({ scenario: 'volume', persons: 20_000, now });
    try {
      expect(performance.now() - started).toBeLessThan(15_000);
      const health = sandbox.health() as { mutations: number };
      expect(health.mutations).toBeGreaterThan(5_000);
      const pages = await pullAll(configFor(sandbox.url, { pageSize: 200 }), 'LKS', httpFor(sandbox.url));
      expect(pages.length).toBeGreaterThan(1);
      expect(sandbox.groundTruth().castPersons).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
