import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { werkbrugFailure as failure } from '../../test/support/werkbrug-failure.js';
import { configFor, httpFor, pullAll } from './fixtures/test-kit.js';
import { askStuf } from './stuf-response.js';

/** HTTP edge cases with nock: what goes on the wire, and Faults the sandbox does not make. */
const origin = 'http://gemeente.test';
const path = '/stuf/pw0100/BeantwoordVraag';
const config = configFor(origin);
const xml = { 'Content-Type': 'text/xml; charset=utf-8' };
const env = (body: string) => `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:PW="https://werkbrug.example/StUF/sector/pw/0100"><s:Body>${body}</s:Body></s:Envelope>`;
const empty = env('<PW:rivLa01><PW:stuurgegevens/><PW:parameters><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag></PW:parameters></PW:rivLa01>');
const fo02 = (code: string, faultcode = 'Server') =>
  env(`<s:Fault><faultcode>s:${faultcode}</faultcode><faultstring>fout</faultstring><detail><StUF:Fo02Bericht><StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode></StUF:stuurgegevens><StUF:body><StUF:code>${code}</StUF:code><StUF:plek>server</StUF:plek><StUF:omschrijving>Koppeling 123456789 tijdelijk buiten gebruik</StUF:omschrijving></StUF:body></StUF:Fo02Bericht></detail></s:Fault>`);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('askStuf on the wire', () => {
  it('posts the first question of spec §4.1: SOAPAction, content type, UUID referentienummer, vanaf = cursor − 49', async () => {
    let body = '';
    const scope = nock(origin)
      .matchHeader('soapaction', '"https://werkbrug.example/StUF/sector/pw/0100/rivLv01"')
      .matchHeader('content-type', 'text/xml; charset=utf-8')
      .matchHeader('authorization', 'Bearer sandbox')
      .post(path, (b: string) => ((body = b), true))
      .reply(200, empty, xml);
    const pages = await pullAll(config, 'RIV', httpFor(origin), { mutatievolgnummer: 10380, recent: [] });
    expect(scope.isDone()).toBe(true);
    expect(pages).toHaveLength(1);
    expect(body).toMatch(/<StUF:referentienummer>[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/StUF:referentienummer>/);
    expect(body).toMatch(/<StUF:tijdstipBericht>[0-9]{17}<\/StUF:tijdstipBericht>/);
    expect(body).toContain('<PW:vanaf StUF:entiteittype="RIV"><PW:mutatievolgnummer>10331</PW:mutatievolgnummer></PW:vanaf>');
    expect(body).toContain('<StUF:sortering>1</StUF:sortering><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag><StUF:maximumAantal>100</StUF:maximumAantal>');
    expect(body).toContain('<StUF:zender><StUF:organisatie>AM13</StUF:organisatie><StUF:applicatie>werkbrug</StUF:applicatie><StUF:gebruiker>gem-utrecht</StUF:gebruiker></StUF:zender>');
    expect(body).toContain('StUF:scope="alles"');
  });

  it('an Fo02 in an HTTP 200 body is a fault, with the code; long digit runs are masked', async () => {
    nock(origin).post(path).times(3).reply(200, fo02('StUF049'), xml);
    const error = await failure(askStuf(httpFor(origin), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' }));
    expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
    expect(error.message).toContain('Fo02 StUF049 (server)');
    expect(error.message).not.toContain('123456789');
  });

  it('a gateway Fault without StUF detail is transient on 500/502, configuration on 403', async () => {
    const gateway = env('<s:Fault><faultcode>s:Server</faultcode><faultstring>Policy Falsified</faultstring></s:Fault>');
    nock(origin).post(path).reply(502, gateway, xml).post(path).reply(200, empty, xml);
    await expect(askStuf(httpFor(origin), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' })).resolves.toMatchObject({ vervolg: false });
    nock(origin).post(path).reply(403, gateway, xml);
    expect((await failure(askStuf(httpFor(origin), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' }))).code).toBe('WB_PARTNER_AUTH');
  });

  it('honours Retry-After on a 503', async () => {
    const sleeps: number[] = [];
    nock(origin).post(path).reply(503, '', { 'Retry-After': '1' }).post(path).reply(200, empty, xml);
    await askStuf(httpFor(origin, 'sandbox', { sleeps }), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' });
    expect(sleeps).toEqual([1000]);
  });

  it('a body that is not the expected answer, an HTML 200 or a DOCTYPE is WB_PARTNER_RESPONSE_INVALID (retryable)', async () => {
    nock(origin).post(path).reply(200, env('<PW:pwuLa01/>'), xml);
    const wrongRoot = await failure(askStuf(httpFor(origin, 'sandbox', { retries: 0 }), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' }));
    expect(wrongRoot.code).toBe('WB_PARTNER_RESPONSE_INVALID');
    expect(wrongRoot.retryable).toBe(true);
    nock(origin).post(path).reply(200, '<html><body>Login</body></html>', { 'Content-Type': 'text/html' });
    expect((await failure(askStuf(httpFor(origin, 'sandbox', { retries: 0 }), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' }))).code).toBe('WB_PARTNER_RESPONSE_INVALID');
    nock(origin).post(path).reply(200, `<!DOCTYPE x [<!ENTITY a "a">]>${empty}`, xml);
    const doctype = await failure(askStuf(httpFor(origin, 'sandbox', { retries: 0 }), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' }));
    expect(doctype.message).toContain('doctype');
  });

  it('a 404 means a wrong base URL', async () => {
    nock(origin).post(path).reply(404, 'not found');
    expect((await failure(askStuf(httpFor(origin), config, { type: 'RIV', vanaf: 1, maximumAantal: 1, scope: 'alles' }))).code).toBe('WB_PARTNER_CONFIG_REJECTED');
  });

  it('a page promising more without a number to continue from stops the stream', async () => {
    const noNumber = env('<PW:rivLa01><PW:parameters><StUF:indicatorVervolgvraag>true</StUF:indicatorVervolgvraag></PW:parameters><PW:antwoord><PW:object StUF:entiteittype="RIV"><PW:identificatie>x</PW:identificatie></PW:object></PW:antwoord></PW:rivLa01>');
    nock(origin).post(path).reply(200, noNumber, xml);
    expect((await failure(pullAll(config, 'RIV', httpFor(origin)))).code).toBe('WB_PARTNER_RESPONSE_INVALID');
  });

  it('refuses a stream that is not configured', async () => {
    expect((await failure(pullAll(configFor(origin, { streams: ['RIV'] }), 'LKS', httpFor(origin)))).code).toBe('WB_CONFIG_INVALID');
  });
});
