import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerHttp, type PartnerHttpOptions } from '../../src/connector/axios-partner-http.js';
import type { PartnerResponse } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { werkbrugFailure as failure } from '../support/werkbrug-failure.js';

const origin = 'http://ggz.partner.test';

interface Harness {
  readonly http: ReturnType<typeof createPartnerHttp>;
  readonly sleeps: number[];
  readonly warnings: Array<{ obj: object; msg: string }>;
}

function harness(overrides: Partial<PartnerHttpOptions> = {}): Harness {
  const sleeps: number[] = [];
  const warnings: Array<{ obj: object; msg: string }> = [];
  const http = createPartnerHttp({
    partnerId: 'ggz-altrecht',
    allowedOrigins: [origin],
    token: 'secret-token',
    timeoutMs: 200,
    maxBodyBytes: 4096,
    retries: 2,
    baseDelayMs: 10,
    maxRetryAfterSeconds: 5,
    logger: { warn: (obj, msg) => warnings.push({ obj, msg }) },
    // Records the back-off instead of waiting: no test sleeps.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { http, sleeps, warnings };
}

/** A classify like a connector's: 429/5xx transient with Retry-After, 401 configuration. */
function classify(response: PartnerResponse) {
  if (response.status === 429 || response.status >= 500) {
    const error: WerkbrugError & { retryAfterSeconds?: number } = new WerkbrugError('WB_PARTNER_UNREACHABLE', { detail: `answered ${response.status}` });
    const retryAfter = response.headers['retry-after'];
    if (retryAfter !== undefined) error.retryAfterSeconds = Number(retryAfter);
    return error;
  }
  if (response.status === 401) return new WerkbrugError('WB_PARTNER_AUTH', { detail: 'answered 401' });
  return undefined;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('createPartnerHttp', () => {
  describe('when the partner answers 503 once and then 200', () => {
    it('retries after the base delay and returns the 200', async () => {
      const scope = nock(origin).get('/fhir/Consent').reply(503, '').get('/fhir/Consent').reply(200, '{"ok":true}', { 'Content-Type': 'application/fhir+json' });
      const { http, sleeps } = harness();
      const response = await http.request({ url: `${origin}/fhir/Consent`, classify });
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('{"ok":true}');
      expect(response.headers['content-type']).toBe('application/fhir+json');
      expect(sleeps).toEqual([10]);
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('when the partner answers 429 with Retry-After', () => {
    it('waits the Retry-After seconds before the next attempt', async () => {
      nock(origin).get('/fhir/ServiceRequest').reply(429, '', { 'Retry-After': '2' }).get('/fhir/ServiceRequest').reply(200, '{}');
      const { http, sleeps } = harness();
      await http.request({ url: `${origin}/fhir/ServiceRequest`, classify });
      expect(sleeps).toEqual([2000]);
    });

    it('caps a Retry-After longer than maxRetryAfterSeconds', async () => {
      nock(origin).get('/fhir/ServiceRequest').reply(503, '', { 'Retry-After': '3600' }).get('/fhir/ServiceRequest').reply(200, '{}');
      const { http, sleeps } = harness();
      await http.request({ url: `${origin}/fhir/ServiceRequest`, classify });
      expect(sleeps).toEqual([5000]);
    });
  });

  describe('when every attempt fails', () => {
    it('backs off exponentially and then throws WB_PARTNER_UNREACHABLE', async () => {
      const scope = nock(origin).get('/fhir/EpisodeOfCare').times(3).reply(503, '');
      const { http, sleeps } = harness();
      const error = await failure(http.request({ url: `${origin}/fhir/EpisodeOfCare`, classify }));
      expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
      expect(error.retryable).toBe(true);
      expect(sleeps).toEqual([10, 20]);
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('when the partner does not answer in time', () => {
    it('gives up the attempt at the deadline and retries', async () => {
      nock(origin).get('/fhir/Patient/p1').delay(1000).reply(200, '{}').get('/fhir/Patient/p1').reply(200, '{"id":"p1"}');
      const { http, sleeps } = harness({ timeoutMs: 50 });
      const response = await http.request({ url: `${origin}/fhir/Patient/p1` });
      expect(response.body.toString()).toBe('{"id":"p1"}');
      expect(sleeps).toHaveLength(1);
    });

    it('throws WB_PARTNER_UNREACHABLE naming the timeout once the retries are spent', async () => {
      nock(origin).get('/fhir/Patient/p1').times(2).delay(1000).reply(200, '{}');
      const { http } = harness({ timeoutMs: 30, retries: 1 });
      const error = await failure(http.request({ url: `${origin}/fhir/Patient/p1` }));
      expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
      expect(error.message).toContain('within 30 ms');
    });
  });

  describe('when the body is shorter than its Content-Length', () => {
    it('treats it as a transport failure and fetches the page again', async () => {
      nock(origin)
        .get('/fhir/Consent')
        .reply(200, '{"resourceType":"Bun', { 'Content-Length': '400' })
        .get('/fhir/Consent')
        .reply(200, '{"resourceType":"Bundle"}');
      const { http, sleeps } = harness();
      const response = await http.request({ url: `${origin}/fhir/Consent` });
      expect(JSON.parse(response.body.toString())).toEqual({ resourceType: 'Bundle' });
      expect(sleeps).toEqual([10]);
    });
  });

  describe('when the connection is reset', () => {
    it('retries and reports only the error code when it keeps failing', async () => {
      nock(origin).get('/fhir/Consent').query(true).times(3).replyWithError(Object.assign(new Error('socket hang up at /fhir/Consent?patient.identifier=999990019'), { code: 'ECONNRESET' }));
      const { http } = harness();
      const error = await failure(http.request({ url: `${origin}/fhir/Consent?patient.identifier=999990019` }));
      expect(error.code).toBe('WB_PARTNER_UNREACHABLE');
      expect(error.message).toContain('ECONNRESET');
      expect(error.message).not.toContain('999990019');
      expect(error.cause).toBeUndefined();
    });
  });

  describe('when the URL is on an origin that is not allowed', () => {
    it('refuses with WB_PARTNER_CONFIG_REJECTED without sending anything', async () => {
      const elsewhere = nock('http://elsewhere.test').get(/.*/).reply(200, '{}');
      const unmatched: unknown[] = [];
      const onNoMatch = (request: unknown) => unmatched.push(request);
      nock.emitter.on('no match', onNoMatch);
      const { http } = harness();
      const error = await failure(http.request({ url: 'http://elsewhere.test/fhir?_getpages=abc' }));
      nock.emitter.removeListener('no match', onNoMatch);
      expect(error.code).toBe('WB_PARTNER_CONFIG_REJECTED');
      expect(elsewhere.isDone()).toBe(false);
      expect(unmatched).toEqual([]);
    });
  });

  describe('when the body is larger than maxBodyBytes', () => {
    it('fails the page with WB_PARTNER_RESPONSE_INVALID and does not retry', async () => {
      nock(origin).get('/fhir/Consent').reply(200, 'x'.repeat(10_000));
      const { http, sleeps } = harness();
      const error = await failure(http.request({ url: `${origin}/fhir/Consent` }));
      expect(error.code).toBe('WB_PARTNER_RESPONSE_INVALID');
      expect(error.message).toContain('larger than 4096 bytes');
      expect(sleeps).toEqual([]);
    });

    it('applies the cap after decompression too', async () => {
      nock(origin).get('/fhir/Consent').reply(200, gzipSync(Buffer.alloc(100_000, 32)), { 'Content-Encoding': 'gzip' });
      const { http } = harness();
      const error = await failure(http.request({ url: `${origin}/fhir/Consent` }));
      expect(error.code).toBe('WB_PARTNER_RESPONSE_INVALID');
    });
  });

  describe('a compressed answer', () => {
    it('is decompressed', async () => {
      nock(origin).get('/fhir/metadata').reply(200, gzipSync('{"resourceType":"CapabilityStatement"}'), { 'Content-Encoding': 'gzip' });
      const { http } = harness();
      const response = await http.request({ url: `${origin}/fhir/metadata` });
      expect(JSON.parse(response.body.toString())).toEqual({ resourceType: 'CapabilityStatement' });
    });
  });

  describe('a classify result that is not retryable', () => {
    it('is thrown at once', async () => {
      nock(origin).get('/fhir/Consent').reply(401, '');
      const { http, sleeps } = harness();
      const error = await failure(http.request({ url: `${origin}/fhir/Consent`, classify }));
      expect(error.code).toBe('WB_PARTNER_AUTH');
      expect(error.where.partner).toBe('ggz-altrecht');
      expect(sleeps).toEqual([]);
    });
  });

  describe('every request', () => {
    it('carries the bearer token and a fresh X-Request-ID', async () => {
      const ids: string[] = [];
      nock(origin)
        .get('/fhir/metadata')
        .times(2)
        .matchHeader('authorization', 'Bearer secret-token')
        .reply(200, function reply() {
          ids.push(String(this.req.headers['x-request-id']));
          return '{}';
        });
      const { http } = harness();
      await http.request({ url: `${origin}/fhir/metadata` });
      await http.request({ url: `${origin}/fhir/metadata` });
      expect(ids).toHaveLength(2);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('logs a retry with the path only, never the query or the body', async () => {
      nock(origin)
        .get('/fhir/Consent')
        .query(true)
        .reply(503, 'Sanne de Vries 999990019')
        .get('/fhir/Consent')
        .query(true)
        .reply(200, '{}');
      const { http, warnings } = harness();
      await http.request({ url: `${origin}/fhir/Consent?patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|999990019`, classify });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.obj).toMatchObject({ partner: 'ggz-altrecht', path: '/fhir/Consent', status: 503, attempt: 1 });
      const logged = JSON.stringify(warnings);
      expect(logged).not.toContain('999990019');
      expect(logged).not.toContain('Sanne');
    });
  });
});
