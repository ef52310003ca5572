import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { lineageSchema } from '../../src/trajectory/trajectory-record.js';
import { uwvSuwinetConfigSchema, uwvSuwinetOrigins } from './config-schema.js';
import { uwvSuwinetConnector } from './connector.js';
import { demoPseudonymiser } from './fixtures/test-kit.js';
import type { PersonItem } from './item.js';
import { FWI_NS, IKV, WV } from './suwiml.js';

/** HTTP edge cases with nock: answers the sandbox does not give on its own. */
const origin = 'http://uwv.test';
const config = uwvSuwinetConfigSchema.parse({
  inkomstenUrl: `${origin}${IKV.path}`,
  werknemersverzekeringenUrl: `${origin}${WV.path}`,
  tokenEnv: 'UWV_TOKEN',
  maxQuestionsPerSecond: 1000,
});
const P1 = '999990019';
const persons = [{ bsn: P1, pseudonym: demoPseudonymiser.person(P1), period: { from: '2024-02-03', to: '2025-08-02' } }];

function http(retries = 2) {
  return createPartnerHttp({ partnerId: 'uwv', allowedOrigins: uwvSuwinetOrigins(config), token: 'tok', timeoutMs: 2000, maxBodyBytes: 1 << 22, retries, baseDelayMs: 1, maxRetryAfterSeconds: 0, sleep: async () => undefined });
}

function messageIdOf(body: unknown): string {
  return /<wsa:MessageID>([^<]+)<\/wsa:MessageID>/.exec(String(body))?.[1] ?? '';
}

function envelope(relatesTo: string | undefined, body: string): string {
  return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://www.w3.org/2005/08/addressing"><s:Header>${relatesTo ? `<wsa:RelatesTo>${relatesTo}</wsa:RelatesTo>` : ''}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

const notFound = (service: typeof IKV) => `<smls:${service.operation}Response xmlns:smls="${service.bodyNs}" xmlns:fwi="${FWI_NS}"><fwi:NietsGevonden/></smls:${service.operation}Response>`;
const fwiBody = (code: string) => `<smls:UWVPersoonsIkvInfoResponse xmlns:smls="${IKV.bodyNs}" xmlns:fwi="${FWI_NS}"><fwi:FWI><Fout><Code>${code}</Code><Tekst>t</Tekst></Fout></fwi:FWI></smls:UWVPersoonsIkvInfoResponse>`;
const wvNotFound = () => nock(origin).post(WV.path).reply(200, (_uri, body) => envelope(messageIdOf(body), notFound(WV)), { 'Content-Type': 'text/xml' });

async function pullItems(h = http()): Promise<PersonItem[]> {
  const items: PersonItem[] = [];
  for await (const page of uwvSuwinetConnector.pull(config, 'persons', undefined, h, { persons })) items.push(...page.items);
  return items;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('uwvSuwinetConnector', () => {
  it('is named after its folder, asks per person, and has one persons stream without BSNs in its cursor', () => {
    expect(uwvSuwinetConnector).toMatchObject({ id: 'uwv-suwinet', kind: 'soap', asksPerPerson: true });
    expect(lineageSchema.shape.connector.safeParse(`${uwvSuwinetConnector.id}@${uwvSuwinetConnector.version}`).success).toBe(true);
    expect(uwvSuwinetConnector.describe(config).streams).toEqual([expect.objectContaining({ name: 'persons', role: 'data' })]);
  });

  it('refuses settings with a typo, a URL with a query or a bad OIN, naming the field', () => {
    const bad = uwvSuwinetConfigSchema.safeParse({ ...config, afnemerOin: '123', inkomstenUrl: `${origin}/x?y=1`, personPage: 3 });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.') || i.code);
    expect(paths).toEqual(expect.arrayContaining(['afnemerOin', 'inkomstenUrl', 'unrecognized_keys']));
  });

  it('sends SOAP 1.1 with SOAPAction "", WS-Addressing and the period, and discards an answer that relates to another MessageID once (U04)', async () => {
    let sent = '';
    let headers: Record<string, unknown> = {};
    nock(origin).post(IKV.path).reply(200, () => envelope('urn:uuid:someone-else', notFound(IKV)), { 'Content-Type': 'text/xml' });
    nock(origin).post(IKV.path).reply(function reply(_uri, body) {
      sent = String(body);
      headers = this.req.headers;
      return [200, envelope(messageIdOf(body), notFound(IKV)), { 'Content-Type': 'text/xml' }];
    });
    wvNotFound();
    const [item] = await pullItems();
    expect(item?.ikv).toEqual({ kind: 'not-found' });
    expect(item?.discardedAnswers).toBe(1);
    expect(headers).toMatchObject({ soapaction: '""', 'content-type': 'text/xml; charset=utf-8' });
    expect(sent).toContain(`<wsa:Action>${IKV.action}</wsa:Action>`);
    expect(sent).toMatch(/<wsa:MessageID>urn:uuid:[0-9a-f-]{36}<\/wsa:MessageID>/);
    expect(sent).toContain(`<wsa:To>${config.inkomstenUrl}</wsa:To>`);
    expect(sent).toContain('?oin=00000001999999999000</wsa:Address>');
    expect(sent).toContain('<DatBPeriode>20240203</DatBPeriode><DatEPeriode>20250802</DatEPeriode>');
  });

  it('retries an HTML 502 from a proxy and FWI0001 in a 200 body as transient', async () => {
    nock(origin).post(IKV.path).reply(502, '<html><body>Bad gateway</body></html>', { 'Content-Type': 'text/html' });
    nock(origin).post(IKV.path).reply(200, (_uri, body) => envelope(messageIdOf(body), fwiBody('FWI0001')), { 'Content-Type': 'text/xml' });
    nock(origin).post(IKV.path).reply(200, (_uri, body) => envelope(messageIdOf(body), notFound(IKV)), { 'Content-Type': 'text/xml' });
    wvNotFound();
    const [item] = await pullItems();
    expect(item?.ikv).toEqual({ kind: 'not-found' });
    expect(nock.isDone()).toBe(true);
  });

  it('counts FWI0040 in the body as a request bug for that person, not a stream failure', async () => {
    nock(origin).post(IKV.path).reply(200, (_uri, body) => envelope(messageIdOf(body), fwiBody('FWI0040')), { 'Content-Type': 'text/xml' });
    wvNotFound();
    const items = await pullItems();
    expect(items[0]?.ikv).toEqual({ kind: 'request-rejected', code: 'FWI0040' });
    const out = uwvSuwinetConnector.edge({ stream: 'persons', items, cursor: {}, last: true, read: 0, absorbed: 0 }, { partnerId: 'uwv', regionCode: 'AM13', pseudonymiser: demoPseudonymiser, keepBirthYear: false, regionOfGemeente: () => undefined, gemeenteCodeOfName: () => undefined });
    expect(out.personCounts).toMatchObject({ asked: 1, 'request-rejected': 1 });
    expect(out.snapshots).toHaveLength(1);
  });

  describe('check', () => {
    it('is ok when the service refuses a question without a BSN as FWI0030 (token accepted, service reached)', async () => {
      for (const service of [IKV, WV]) {
        nock(origin).post(service.path, (body: string) => !body.includes('Burgerservicenr')).reply(500, envelope(undefined, `<s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring><detail><fwi:Fout xmlns:fwi="${FWI_NS}"><Code>FWI0030</Code></fwi:Fout></detail></s:Fault>`));
      }
      expect(await uwvSuwinetConnector.check(config, http())).toMatchObject({ ok: true });
    });

    it('reports 401 as auth and an unreachable gateway as unreachable', async () => {
      nock(origin).post(IKV.path).reply(401, '', { 'WWW-Authenticate': 'Bearer' });
      const auth = await uwvSuwinetConnector.check(config, http());
      expect(auth, JSON.stringify(auth)).toMatchObject({ ok: false, code: 'WB_PARTNER_AUTH' });
      nock(origin).post(IKV.path).reply(503, '');
      expect(await uwvSuwinetConnector.check(config, http())).toMatchObject({ ok: false, code: 'WB_PARTNER_UNREACHABLE' });
    });
  });
});
