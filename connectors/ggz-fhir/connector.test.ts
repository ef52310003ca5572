import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { lineageSchema } from '../../src/trajectory/trajectory-record.js';
import { ggzFhirConfigSchema, ggzFhirOrigins } from './config-schema.js';
import { ggzFhirConnector } from './connector.js';

const base = 'http://ggz.test/fhir';
const config = ggzFhirConfigSchema.parse({ baseUrl: base, tokenEnv: 'GGZ_ALTRECHT_TOKEN' });
const fhirJson = { 'Content-Type': 'application/fhir+json' };

function http(cfg = config) {
  return createPartnerHttp({ partnerId: 'ggz-altrecht', allowedOrigins: ggzFhirOrigins(cfg), token: 'tok', timeoutMs: 1000, maxBodyBytes: 1 << 20, retries: 0, baseDelayMs: 1, maxRetryAfterSeconds: 1, sleep: async () => undefined });
}

const searchParam = (...names: string[]) => names.map((name) => ({ name }));
const capabilityWith = (episodeParams: string[]) => JSON.stringify({
  resourceType: 'CapabilityStatement',
  rest: [{ resource: [
    { type: 'ServiceRequest', searchParam: searchParam('code', 'status', 'patient') },
    { type: 'EpisodeOfCare', searchParam: searchParam(...episodeParams) },
    { type: 'Consent', searchParam: searchParam('category', 'patient') },
    { type: 'Patient', searchParam: searchParam('identifier') },
  ] }],
});
const capability = capabilityWith(['type', 'status', 'patient']);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('ggzFhirConnector', () => {
  it('is named after its folder and versioned so lineage accepts it', () => {
    expect(ggzFhirConnector.id).toBe('ggz-fhir');
    expect(ggzFhirConnector.kind).toBe('fhir');
    expect(`${ggzFhirConnector.id}@${ggzFhirConnector.version}`).toMatch(/^[a-z0-9][a-z0-9-]{0,63}@[0-9A-Za-z.+-]{1,32}$/);
    expect(lineageSchema.shape.mapping_version.safeParse(ggzFhirConnector.mappingVersion).success).toBe(true);
  });

  it('describes four streams, consent first', () => {
    const streams = ggzFhirConnector.describe(config).streams;
    expect(streams.map((s) => [s.name, s.role])).toEqual([
      ['Consent', 'consent'],
      ['ServiceRequest', 'data'],
      ['EpisodeOfCare', 'data'],
      ['deletions', 'deletions'],
    ]);
    for (const stream of streams) expect(stream.cursor.length).toBeGreaterThan(20);
  });

  describe('configSchema', () => {
    it('fills the defaults', () => {
      expect(config).toEqual({ baseUrl: base, tokenEnv: 'GGZ_ALTRECHT_TOKEN', pageSize: 100, overlapSeconds: 120, codeAliases: { referral: [], trajectory: [] } });
    });

    it.each([
      ['an unknown field', { pageSise: 10 }],
      ['a page size over 500', { pageSize: 501 }],
      ['a token instead of its variable name', { tokenEnv: 'eyJhbGciOi.secret' }],
      ['a base URL with a trailing slash', { baseUrl: `${base}/` }],
      ['a base URL with a query', { baseUrl: `${base}?x=1` }],
      ['an alias without system', { codeAliases: { trajectory: ['IPS'] } }],
      ['an alias with a comma', { codeAliases: { trajectory: ['urn:x|a,b'] } }],
      ['a back-fill start without offset', { backfillFrom: '2024-01-01T00:00:00' }],
    ])('refuses %s', (_name, change) => {
      expect(ggzFhirConfigSchema.safeParse({ baseUrl: base, tokenEnv: 'GGZ_ALTRECHT_TOKEN', ...change }).success).toBe(false);
    });

    it('says what every field does', () => {
      for (const [name, field] of Object.entries(ggzFhirConfigSchema.shape)) expect(field.description, name).toMatch(/\S{3,}/);
    });

    it('lists the origins the partner HTTP must allow', () => {
      expect(ggzFhirOrigins(ggzFhirConfigSchema.parse({ baseUrl: base, consentBaseUrl: 'https://consent.test:8443/consent/fhir', tokenEnv: 'T' }))).toEqual(['http://ggz.test', 'https://consent.test:8443']);
    });
  });

  describe('check', () => {
    it('passes when /metadata offers every resource and filter the streams use', async () => {
      nock(base).get('/metadata').reply(200, capability, fhirJson);
      expect(await ggzFhirConnector.check(config, http())).toMatchObject({ ok: true });
    });

    it('fails with WB_PARTNER_AUTH on a wrong credential, without throwing', async () => {
      nock(base).get('/metadata').reply(401, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] }), { ...fhirJson, 'WWW-Authenticate': 'Bearer' });
      expect(await ggzFhirConnector.check(config, http())).toMatchObject({ ok: false, code: 'WB_PARTNER_AUTH' });
    });

    it('names a filter the EPD does not offer', async () => {
      nock(base).get('/metadata').reply(200, capabilityWith(['status', 'patient']), fhirJson);
      expect(await ggzFhirConnector.check(config, http())).toEqual({ ok: false, code: 'WB_PARTNER_REQUEST_REJECTED', detail: 'the EPD does not offer EpisodeOfCare?type' });
    });

    it('probes a separate consent service with one tiny search', async () => {
      const cfg = ggzFhirConfigSchema.parse({ baseUrl: base, consentBaseUrl: 'http://consent.test/consent/fhir', tokenEnv: 'T' });
      nock(base).get('/metadata').reply(200, capability, fhirJson);
      const probe = nock('http://consent.test').get('/consent/fhir/Consent').query({ category: 'https://werkbrug.example/fhir/CodeSystem/consent-category|ips-data-sharing', _count: '1', _elements: 'id' }).reply(503, '');
      expect(await ggzFhirConnector.check(cfg, http(cfg))).toMatchObject({ ok: false, code: 'WB_PARTNER_UNREACHABLE' });
      expect(probe.isDone()).toBe(true);
    });
  });

  it('imports nothing from the store, the queues or Redis (a connector knows no queue or store)', () => {
    const root = dirname(fileURLToPath(import.meta.url));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== 'sandbox') walk(path);
        } else if (name.endsWith('.ts')) files.push(path);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const specifiers = [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] ?? '');
      for (const specifier of specifiers) expect(specifier, relative(root, file)).not.toMatch(/src\/store|(^|\/)jobs\/|redis|bullmq|^pg$|pglite/);
    }
  });
});
