import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cursor, SourcePage } from '../../src/connector/connector.js';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { werkbrugFailure as failure } from '../../test/support/werkbrug-failure.js';
import { ggzFhirConfigSchema, ggzFhirOrigins, type GgzFhirConfig } from './config-schema.js';
import { ggzFhirConnector } from './connector.js';
import type { GgzItem } from './item.js';

/**
 * Bounded pulls (issue 6): the exact queries with `until`, the filtering when a server sends more
 * than asked, the `_history` deletions bounded by `response.lastModified`, and `windowCursor`.
 */
const origin = 'http://ggz.test';
const base = `${origin}/fhir`;
const fhirJson = { 'Content-Type': 'application/fhir+json; charset=utf-8' };
const config = ggzFhirConfigSchema.parse({ baseUrl: base, tokenEnv: 'GGZ_TOKEN' });
const patient = { resourceType: 'Patient', id: 'pat-0001', identifier: [{ system: 'http://fhir.nl/fhir/NamingSystem/bsn', value: '999990019' }] };
// Tokens as the connector writes them: `|` as %7C, `:` raw.
const token = (value: string) => encodeURIComponent(value).replace(/%3A/g, ':');
const category = token('https://werkbrug.example/fhir/CodeSystem/consent-category|ips-data-sharing');
const referral = token('https://werkbrug.example/fhir/CodeSystem/ips|ips-referral');

function serviceRequest(id: string, lastUpdated: string): Record<string, unknown> {
  return {
    resourceType: 'ServiceRequest', id, meta: { versionId: '1', lastUpdated }, status: 'active', intent: 'order',
    code: { coding: [{ system: 'https://werkbrug.example/fhir/CodeSystem/ips', code: 'ips-referral' }] }, subject: { reference: 'Patient/pat-0001' },
  };
}
const match = (resource: unknown) => ({ resource, search: { mode: 'match' } });
const include = (resource: unknown) => ({ resource, search: { mode: 'include' } });
const searchset = (entry: unknown[], next?: string) => JSON.stringify({ resourceType: 'Bundle', type: 'searchset', link: next ? [{ relation: 'next', url: next }] : [], entry });

async function pages(stream: string, from: Cursor | undefined, until: Cursor | undefined, cfg: GgzFhirConfig = config): Promise<Array<SourcePage<GgzItem>>> {
  const http = createPartnerHttp({
    partnerId: 'ggz-altrecht', allowedOrigins: ggzFhirOrigins(cfg), token: 'tok', timeoutMs: 1000, maxBodyBytes: 1 << 20, retries: 0, baseDelayMs: 1, maxRetryAfterSeconds: 1, sleep: async () => undefined,
  });
  const out: Array<SourcePage<GgzItem>> = [];
  for await (const page of ggzFhirConnector.pull(cfg, stream, from, http, until === undefined ? {} : { until })) out.push(page);
  return out;
}

const ids = (page: SourcePage<GgzItem> | undefined) => (page?.items ?? []).map((i) => (i.kind === 'resource' ? (i.resource as { id: string }).id : i.id));

/** Records every path asked, and answers from `answer`. */
function recording(scope: nock.Scope, paths: string[], answer: (path: string) => string): nock.Scope {
  return scope.get(() => true).times(10).reply(200, (path) => {
    paths.push(path);
    return answer(path);
  }, fhirJson);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('ggz-fhir declares bounded pulls', () => {
  it('is bounded and has a windowCursor', () => {
    expect(ggzFhirConnector.bounded).toBe(true);
    expect(typeof ggzFhirConnector.windowCursor).toBe('function');
  });
});

describe('a bounded search', () => {
  const until = { lastUpdated: '2025-06-02T10:00:00.250Z', recent: ['ServiceRequest/sr-2|1'] };

  it('asks _lastUpdated twice: ge the cursor minus the overlap and le until, to the millisecond', async () => {
    const paths: string[] = [];
    recording(nock(origin), paths, () => searchset([]));
    await pages('ServiceRequest', { lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] }, until);
    expect(paths).toEqual([
      `/fhir/ServiceRequest?code=${referral}&_lastUpdated=ge2025-06-01T21:58:00Z&_lastUpdated=le2025-06-02T10:00:00.250Z&_sort=_lastUpdated&_count=100&_include=ServiceRequest:subject`,
    ]);
  });

  it('from the beginning asks only le', async () => {
    const paths: string[] = [];
    recording(nock(origin), paths, () => searchset([]));
    await pages('EpisodeOfCare', undefined, until);
    expect(paths).toHaveLength(1);
    expect(paths[0]).toContain('&_lastUpdated=le2025-06-02T10:00:00.250Z&_sort=_lastUpdated');
    expect(paths[0]).not.toContain('_lastUpdated=ge');
  });

  it('emits nothing after until when the server sends it, and stops paging there', async () => {
    const next = `${base}?_getpages=p2&_getpagesoffset=3`;
    const page2 = nock(base).get('').query(true).reply(200, searchset([match(serviceRequest('sr-9', '2025-06-03T00:00:00Z'))]), fhirJson);
    nock(base).get('/ServiceRequest').query(true).reply(200, searchset([
      match(serviceRequest('sr-1', '2025-06-02T09:00:00Z')),
      match(serviceRequest('sr-2', '2025-06-02T10:00:00.250Z')),
      match(serviceRequest('sr-3', '2025-06-02T10:00:00.251Z')),
      include(patient),
    ], next), fhirJson);
    const result = await pages('ServiceRequest', undefined, until);
    expect(result.map(ids)).toEqual([['sr-1', 'sr-2']]);
    expect(result[0]).toMatchObject({ last: true, read: 2, absorbed: 0 });
    // The cursor never passes until.
    expect(result[0]?.cursor).toEqual({ lastUpdated: '2025-06-02T10:00:00.250Z', recent: ['ServiceRequest/sr-2|1'] });
    expect(page2.isDone()).toBe(false);
  });

  it('reads the consent stream from the separate consent service, bounded the same way', async () => {
    const cfg = ggzFhirConfigSchema.parse({ baseUrl: base, consentBaseUrl: 'http://consent.test/consent/fhir', tokenEnv: 'GGZ_TOKEN' });
    const paths: string[] = [];
    recording(nock('http://consent.test'), paths, () => searchset([]));
    await pages('Consent', { lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] }, until, cfg);
    expect(paths).toEqual([
      `/consent/fhir/Consent?category=${category}&_lastUpdated=ge2025-06-01T21:58:00Z&_lastUpdated=le2025-06-02T10:00:00.250Z&_sort=_lastUpdated&_count=100&_include=Consent:patient`,
    ]);
  });

  it('bounded by a cursor that has seen nothing asks nothing and ends at once', async () => {
    const result = await pages('Consent', undefined, { recent: [] });
    expect(result).toEqual([{ stream: 'Consent', items: [], cursor: { recent: [] }, last: true, read: 0, absorbed: 0 }]);
  });

  it('refuses an until of another shape', async () => {
    expect((await failure(pages('Consent', undefined, { mutatievolgnummer: 3, recent: [] }))).code).toBe('WB_CONFIG_INVALID');
  });
});

describe('bounded deletions (_history has only _since)', () => {
  const history = (entry: unknown[]) => JSON.stringify({ resourceType: 'Bundle', type: 'history', link: [], entry });
  const del = (type: string, id: string, lastModified: string) => ({ fullUrl: `${base}/${type}/${id}`, request: { method: 'DELETE', url: `${type}/${id}` }, response: { status: '204', lastModified } });
  const put = (type: string, id: string, lastModified: string) => ({ resource: { resourceType: type, id }, request: { method: 'PUT', url: `${type}/${id}` }, response: { status: '200', lastModified } });

  it('asks _since only, leaves out entries modified after until and moves the cursor to the newest entry up to it', async () => {
    const paths: string[] = [];
    recording(nock(origin), paths, (path) => {
      if (path.startsWith('/fhir/ServiceRequest/')) return history([del('ServiceRequest', 'sr-late', '2025-06-02T12:00:00Z'), del('ServiceRequest', 'sr-7', '2025-06-02T09:00:00Z')]);
      if (path.startsWith('/fhir/Consent/')) return history([put('Consent', 'cns-late', '2025-06-02T11:00:00Z'), put('Consent', 'cns-3', '2025-06-02T09:30:00Z'), del('Consent', 'cns-44', '2025-06-02T08:00:00Z')]);
      return history([]);
    });
    const result = await pages('deletions', { lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] }, { lastUpdated: '2025-06-02T10:00:00.000Z', recent: [] });
    expect(paths).toEqual(['/fhir/Consent/_history?_since=2025-06-01T21:58:00Z&_count=100', '/fhir/ServiceRequest/_history?_since=2025-06-01T21:58:00Z&_count=100', '/fhir/EpisodeOfCare/_history?_since=2025-06-01T21:58:00Z&_count=100']);
    expect(result.flatMap(ids)).toEqual(['cns-44', 'sr-7']);
    expect(result.map((p) => p.read)).toEqual([1, 1, 0]);
    // The newest lastModified up to until is the PUT of cns-3; the later entries do not move it.
    expect(result.at(-1)).toMatchObject({ last: true, cursor: { lastUpdated: '2025-06-02T09:30:00.000Z', recent: [] } });
  });

  it('keeps the start cursor when everything is after until', async () => {
    recording(nock(origin), [], (path) => (path.startsWith('/fhir/EpisodeOfCare/') ? history([del('EpisodeOfCare', 'eoc-1', '2025-06-03T00:00:00Z')]) : history([])));
    const result = await pages('deletions', { lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] }, { lastUpdated: '2025-06-02T10:00:00.000Z', recent: [] });
    expect(result.flatMap(ids)).toEqual([]);
    expect(result.at(-1)?.cursor).toEqual({ lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] });
  });
});

describe('windowCursor', () => {
  const windowCursor = (stream: string, at: string) => {
    const fn = ggzFhirConnector.windowCursor;
    if (fn === undefined) throw new Error('no windowCursor');
    return fn(config, stream, at);
  };

  it('is the cursor of the instant, in UTC, with nothing recent, for every stream', () => {
    for (const stream of ['Consent', 'ServiceRequest', 'EpisodeOfCare', 'deletions']) {
      expect(windowCursor(stream, '2025-06-01T00:00:00+02:00')).toEqual({ lastUpdated: '2025-05-31T22:00:00.000Z', recent: [] });
    }
    expect(windowCursor('Consent', '2025-06-01T00:00:00.5Z')).toEqual({ lastUpdated: '2025-06-01T00:00:00.500Z', recent: [] });
  });

  it('as a start asks from the instant minus the overlap; as until bounds at the instant itself', async () => {
    const paths: string[] = [];
    recording(nock(origin), paths, () => searchset([]));
    await pages('EpisodeOfCare', windowCursor('EpisodeOfCare', '2025-06-01T00:00:00Z'), windowCursor('EpisodeOfCare', '2025-06-08T00:00:00Z'));
    expect(paths[0]).toContain('&_lastUpdated=ge2025-05-31T23:58:00Z&_lastUpdated=le2025-06-08T00:00:00.000Z&');
  });

  it.each([
    ['an unknown stream', 'Observation', '2025-06-01T00:00:00Z', 'stream'],
    ['an instant without offset', 'Consent', '2025-06-01T00:00:00', 'at'],
    ['a date', 'Consent', '2025-06-01', 'at'],
    ['an instant without seconds', 'Consent', '2025-06-01T00:00Z', 'at'],
  ])('refuses %s, naming the field', (_name, stream, at, field) => {
    let error: unknown;
    try {
      windowCursor(stream, at);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'WB_CONFIG_INVALID' });
    expect(String((error as Error).message)).toContain(field);
  });
});
