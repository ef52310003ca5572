import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cursor, SourcePage } from '../../src/connector/connector.js';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { ggzFhirConfigSchema, ggzFhirOrigins } from './config-schema.js';
import { edgeOf } from './fixtures/test-kit.js';
import type { GgzItem, ResourceItem } from './item.js';
import { pullGgz } from './pull.js';
import { werkbrugFailure as failure } from '../../test/support/werkbrug-failure.js';

const origin = 'http://ggz.test';
const base = `${origin}/fhir`;
const fhirJson = { 'Content-Type': 'application/fhir+json; charset=utf-8' };
const referral = 'https://werkbrug.example/fhir/CodeSystem/ips|ips-referral';
const config = ggzFhirConfigSchema.parse({ baseUrl: base, tokenEnv: 'GGZ_TOKEN' });
const bsn = { system: 'http://fhir.nl/fhir/NamingSystem/bsn', value: '999990019' };

function httpFor(cfg = config, sleeps: number[] = []) {
  return createPartnerHttp({
    partnerId: 'ggz-altrecht', allowedOrigins: ggzFhirOrigins(cfg), token: 'tok', timeoutMs: 1000, maxBodyBytes: 16 * 1024 * 1024,
    retries: 2, baseDelayMs: 1, maxRetryAfterSeconds: 2, sleep: async (ms) => void sleeps.push(ms),
  });
}

function serviceRequest(id: string, version: string, lastUpdated: string, subject = 'Patient/pat-0001'): Record<string, unknown> {
  return {
    resourceType: 'ServiceRequest', id, meta: { versionId: version, lastUpdated }, status: 'active', intent: 'order',
    code: { coding: [{ system: 'https://werkbrug.example/fhir/CodeSystem/ips', code: 'ips-referral' }] },
    subject: { reference: subject }, authoredOn: '2025-01-14T15:20:00+01:00',
  };
}
const patient = { resourceType: 'Patient', id: 'pat-0001', identifier: [bsn], birthDate: '1991-06-14' };
const match = (resource: unknown) => ({ resource, search: { mode: 'match' } });
const include = (resource: unknown) => ({ resource, search: { mode: 'include' } });

function searchset(entry: unknown[], next?: string): string {
  return JSON.stringify({ resourceType: 'Bundle', type: 'searchset', link: next ? [{ relation: 'next', url: next }] : [], entry });
}

async function pages(stream: string, from?: Cursor, cfg = config, sleeps: number[] = []): Promise<Array<SourcePage<GgzItem>>> {
  const out: Array<SourcePage<GgzItem>> = [];
  for await (const page of pullGgz(cfg, stream, from, httpFor(cfg, sleeps))) out.push(page);
  return out;
}

const ids = (page: SourcePage<GgzItem> | undefined) => (page?.items ?? []).map((i) => (i.kind === 'resource' ? (i.resource as { id: string }).id : i.id));

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('pullGgz search streams', () => {
  it('asks exactly the §4.1 query with the FHIR headers, and none of _lastUpdated on a first run', async () => {
    const scope = nock(base)
      .matchHeader('accept', 'application/fhir+json')
      .matchHeader('prefer', 'handling=strict')
      .matchHeader('authorization', 'Bearer tok')
      .get('/ServiceRequest')
      .query({ code: referral, _sort: '_lastUpdated', _count: '100', _include: 'ServiceRequest:subject' })
      .reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00+02:00')), include(patient)]), fhirJson);
    const [page] = await pages('ServiceRequest');
    expect(scope.isDone()).toBe(true);
    expect(page).toMatchObject({ stream: 'ServiceRequest', last: true, read: 1, absorbed: 0 });
    expect(page?.cursor).toEqual({ lastUpdated: '2025-06-01T08:00:00.000Z', recent: ['ServiceRequest/sr-1|1'] });
    expect((page?.items[0] as ResourceItem).patient).toMatchObject({ kind: 'found', via: 'include' });
  });

  it('starts at the cursor minus the overlap, in UTC with Z, with the configured aliases', async () => {
    const cfg = ggzFhirConfigSchema.parse({ baseUrl: base, tokenEnv: 'GGZ_TOKEN', pageSize: 50, codeAliases: { trajectory: ['urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS'] } });
    const scope = nock(base)
      .get('/EpisodeOfCare')
      .query({
        type: 'https://werkbrug.example/fhir/CodeSystem/ips|ips-trajectory,urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS',
        _lastUpdated: 'ge2025-06-01T21:58:00Z', _sort: '_lastUpdated', _count: '50', _include: 'EpisodeOfCare:patient',
      })
      .reply(200, searchset([]), fhirJson);
    const [page] = await pages('EpisodeOfCare', { lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] }, cfg);
    expect(scope.isDone()).toBe(true);
    expect(page?.cursor).toEqual({ lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] });
  });

  it('follows next links verbatim until there is none, with a cursor per page (E16 absorbed across pages)', async () => {
    const next = `${base}?_getpages=8c1f&_getpagesoffset=100&_count=100&_bundletype=searchset`;
    nock(base)
      .get('/ServiceRequest').query(true)
      .reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), include(patient)], next), fhirJson)
      .get('').query({ _getpages: '8c1f', _getpagesoffset: '100', _count: '100', _bundletype: 'searchset' })
      .reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), match(serviceRequest('sr-2', '4', '2025-06-01T10:05:00Z')), include(patient)]), fhirJson);
    const result = await pages('ServiceRequest');
    expect(result.map((p) => p.last)).toEqual([false, true]);
    expect(result.map(ids)).toEqual([['sr-1'], ['sr-2']]);
    expect(result[1]).toMatchObject({ read: 2, absorbed: 1 });
    // sr-1 (10:00:00) is more than the 120 s overlap before 10:05:00, so it leaves `recent`.
    expect(result[1]?.cursor).toEqual({ lastUpdated: '2025-06-01T10:05:00.000Z', recent: ['ServiceRequest/sr-2|4'] });
  });

  it('E29: takes a page with more entries than asked', async () => {
    const entries = Array.from({ length: 500 }, (_, i) => match(serviceRequest(`sr-${i}`, '1', '2025-06-01T10:00:00Z')));
    nock(base).get('/ServiceRequest').query(true).reply(200, searchset([...entries, include(patient)]), fhirJson);
    const [page] = await pages('ServiceRequest');
    expect(page?.items).toHaveLength(500);
    expect(page?.read).toBe(500);
  });

  describe('E19: the cursor overlap', () => {
    const stored = { lastUpdated: '2025-06-01T12:00:00.000Z', recent: ['ServiceRequest/sr-1|3'] };
    const served = [
      match(serviceRequest('sr-late', '1', '2025-06-01T11:59:00Z')),
      match(serviceRequest('sr-1', '3', '2025-06-01T12:00:00Z')),
      match(serviceRequest('sr-2', '1', '2025-06-01T12:00:10Z')),
      include(patient),
    ];

    it('emits a late version inside the overlap once and skips versions in recent', async () => {
      nock(base).get('/ServiceRequest').query((q) => q._lastUpdated === 'ge2025-06-01T11:58:00Z').reply(200, searchset(served), fhirJson);
      const [page] = await pages('ServiceRequest', stored);
      expect(ids(page)).toEqual(['sr-late', 'sr-2']);
      expect(page).toMatchObject({ read: 3, absorbed: 1 });
      expect(page?.cursor).toEqual({ lastUpdated: '2025-06-01T12:00:10.000Z', recent: ['ServiceRequest/sr-1|3', 'ServiceRequest/sr-2|1', 'ServiceRequest/sr-late|1'] });

      nock(base).get('/ServiceRequest').query((q) => q._lastUpdated === 'ge2025-06-01T11:58:10Z').reply(200, searchset(served), fhirJson);
      const [again] = await pages('ServiceRequest', page?.cursor);
      expect(ids(again)).toEqual([]);
      expect(again).toMatchObject({ read: 3, absorbed: 3 });
    });

    it('E17: skips a lower version of a resource whose higher version is in recent', async () => {
      nock(base).get('/ServiceRequest').query(true).reply(200, searchset([match(serviceRequest('sr-1', '2', '2025-06-01T12:00:05Z')), include(patient)]), fhirJson);
      const [page] = await pages('ServiceRequest', stored);
      expect(page).toMatchObject({ read: 1, absorbed: 1, items: [] });
    });
  });

  describe('410 on a next link', () => {
    const next = `${base}?_getpages=gone&_getpagesoffset=100`;

    it('restarts the stream from the cursor of the last page, once', async () => {
      nock(base)
        .get('/ServiceRequest').query((q) => q._lastUpdated === undefined)
        .reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), include(patient)], next), fhirJson)
        .get('').query({ _getpages: 'gone', _getpagesoffset: '100' })
        .reply(410, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'expired' }] }), fhirJson)
        .get('/ServiceRequest').query((q) => q._lastUpdated === 'ge2025-06-01T09:58:00Z')
        .reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), match(serviceRequest('sr-2', '1', '2025-06-01T10:01:00Z')), include(patient)]), fhirJson);
      const result = await pages('ServiceRequest');
      expect(result.map(ids)).toEqual([['sr-1'], ['sr-2']]);
      expect(result.map((p) => p.last)).toEqual([false, true]);
    });

    it('fails with WB_PARTNER_PAGING_EXPIRED when the restart expires too', async () => {
      nock(base)
        .get('/ServiceRequest').query(true).times(2)
        .reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), include(patient)], next), fhirJson)
        .get('').query(true).times(2)
        .reply(410, '', fhirJson);
      const error = await failure(pages('ServiceRequest'));
      expect(error.code).toBe('WB_PARTNER_PAGING_EXPIRED');
    });
  });

  it('retries 503 with Retry-After and 429 before succeeding', async () => {
    const sleeps: number[] = [];
    nock(base)
      .get('/Consent').query(true)
      .reply(503, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', diagnostics: 'Toestemmingsregister tijdelijk niet beschikbaar' }] }), { ...fhirJson, 'Retry-After': '1' })
      .get('/Consent').query(true)
      .reply(429, '')
      .get('/Consent').query(true)
      .reply(200, searchset([]), fhirJson);
    const result = await pages('Consent', undefined, config, sleeps);
    expect(result).toHaveLength(1);
    expect(sleeps).toEqual([1000, 2]);
  });

  it('E26: delivers the page but never follows a next link on another origin', async () => {
    const elsewhere = nock('http://evil.test').get(/.*/).reply(200, searchset([]), fhirJson);
    nock(base).get('/ServiceRequest').query(true).reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), include(patient)], 'http://evil.test/fhir?_getpages=x'), fhirJson);
    const seen: Array<SourcePage<GgzItem>> = [];
    const error = await failure((async () => {
      for await (const page of pullGgz(config, 'ServiceRequest', undefined, httpFor())) seen.push(page);
    })());
    expect(error.code).toBe('WB_PARTNER_CONFIG_REJECTED');
    expect(seen.map(ids)).toEqual([['sr-1']]);
    expect(elsewhere.isDone()).toBe(false);
  });

  it('E27: reads a body that starts with a UTF-8 byte-order mark, names with non-ASCII intact', async () => {
    const named = { ...patient, name: [{ text: 'Yıldız Zoë IJsbrand' }] };
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), include(named)]), 'utf8')]);
    nock(base).get('/ServiceRequest').query(true).reply(200, body, fhirJson);
    const [page] = await pages('ServiceRequest');
    const item = page?.items[0] as ResourceItem;
    expect(item.patient).toMatchObject({ kind: 'found', resource: { name: [{ text: 'Yıldız Zoë IJsbrand' }] } });
  });

  it('E24: skips outcome entries and reports their issue codes', async () => {
    const outcome = { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'processing', diagnostics: 'Sanne de Vries' }] }, search: { mode: 'outcome' } };
    nock(base).get('/ServiceRequest').query(true).reply(200, searchset([outcome, match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z')), include(patient)]), fhirJson);
    const [page] = await pages('ServiceRequest');
    expect(page).toMatchObject({ read: 1, outcomeIssues: ['processing'] });
    expect(ids(page)).toEqual(['sr-1']);
  });

  describe('a Patient missing from the includes', () => {
    it('is read by id', async () => {
      nock(base)
        .get('/ServiceRequest').query(true).reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z', 'Patient/pat-0001/_history/3'))]), fhirJson)
        .get('/Patient/pat-0001').reply(200, JSON.stringify(patient), fhirJson);
      const [page] = await pages('ServiceRequest');
      expect((page?.items[0] as ResourceItem).patient).toEqual({ kind: 'found', via: 'read', resource: patient });
      expect(edgeOf(page?.items ?? []).records).toHaveLength(1);
    });

    it.each([[404, 'not-found'], [410, 'gone']])('E10: answering %d makes the record subject-unresolvable', async (status, why) => {
      nock(base)
        .get('/ServiceRequest').query(true).reply(200, searchset([match(serviceRequest('sr-1', '1', '2025-06-01T10:00:00Z', 'Patient/pat-9'))]), fhirJson)
        .get('/Patient/pat-9').reply(status, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }), fhirJson);
      const [page] = await pages('ServiceRequest');
      expect((page?.items[0] as ResourceItem).patient).toEqual({ kind: 'unresolvable', why });
      expect(edgeOf(page?.items ?? []).rejections[0]).toMatchObject({ reason: 'subject-unresolvable', field: 'subject.reference' });
    });
  });

  it('retries a body that is not JSON and then fails without quoting it', async () => {
    nock(base).get('/ServiceRequest').query(true).times(3).reply(200, '{"resourceType":"Bundle", 999990019', fhirJson);
    const error = await failure(pages('ServiceRequest'));
    expect(error.code).toBe('WB_PARTNER_RESPONSE_INVALID');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain('999990019');
  });

  it.each([
    [401, 'WB_PARTNER_AUTH'],
    [403, 'WB_PARTNER_AUTH'],
    [400, 'WB_PARTNER_REQUEST_REJECTED'],
    [404, 'WB_PARTNER_CONFIG_REJECTED'],
  ])('classifies %d as %s', async (status, code) => {
    nock(base).get('/Consent').query(true).reply(status, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] }), fhirJson);
    const error = await failure(pages('Consent'));
    expect(error.code).toBe(code);
  });

  it('refuses a 200 that is not JSON by media type', async () => {
    nock(base).get('/Consent').query(true).times(3).reply(200, searchset([]), { 'Content-Type': 'text/html' });
    expect((await failure(pages('Consent'))).code).toBe('WB_PARTNER_RESPONSE_INVALID');
  });

  it('reads Consent from the consent service when one is configured (spec §5.1)', async () => {
    const cfg = ggzFhirConfigSchema.parse({ baseUrl: base, consentBaseUrl: 'http://consent.test/consent/fhir', tokenEnv: 'GGZ_TOKEN' });
    const scope = nock('http://consent.test').get('/consent/fhir/Consent').query((q) => q.category === 'https://werkbrug.example/fhir/CodeSystem/consent-category|ips-data-sharing').reply(200, searchset([]), fhirJson);
    await pages('Consent', undefined, cfg);
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    ['an unknown stream', 'Observation', undefined],
    ['a cursor of another shape', 'Consent', { since: 3 }],
  ])('refuses %s with WB_CONFIG_INVALID', async (_name, stream, from) => {
    expect((await failure(pages(stream, from))).code).toBe('WB_CONFIG_INVALID');
  });
});

describe('pullGgz deletions', () => {
  const history = (entry: unknown[], next?: string) => JSON.stringify({ resourceType: 'Bundle', type: 'history', link: next ? [{ relation: 'next', url: next }] : [], entry });
  const del = (type: string, id: string, lastModified: string) => ({ fullUrl: `${base}/${type}/${id}`, request: { method: 'DELETE', url: `${type}/${id}` }, response: { status: '204', lastModified } });
  const put = (type: string, id: string, lastModified: string) => ({ resource: { resourceType: type, id }, request: { method: 'PUT', url: `${type}/${id}` }, response: { status: '200', lastModified } });

  it('reads the type-level _history of the three types and moves the cursor only with the last page', async () => {
    const since = { _since: '2025-06-01T21:58:00Z', _count: '100' };
    nock(base)
      .get('/ServiceRequest/_history').query(since).reply(200, history([del('ServiceRequest', 'sr-7', '2025-06-02T09:00:00+02:00')]), fhirJson)
      .get('/EpisodeOfCare/_history').query(since).reply(200, history([]), fhirJson)
      .get('/Consent/_history').query(since).reply(200, history([del('Consent', 'cns-0044', '2025-06-01T14:00:03.000+02:00'), put('Consent', 'cns-0003', '2025-06-02T13:10:00.000+02:00')]), fhirJson);
    const result = await pages('deletions', { lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] });
    // Consent first (erasure first); empty pages are skipped except the last, which carries the cursor.
    expect(result.map(ids)).toEqual([['cns-0044'], ['sr-7'], []]);
    expect(result.map((p) => p.last)).toEqual([false, false, true]);
    expect(result.map((p) => p.read)).toEqual([1, 1, 0]);
    expect(result[0]?.cursor).toEqual({ lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] });
    expect(result[1]?.cursor).toEqual({ lastUpdated: '2025-06-01T22:00:00.000Z', recent: [] });
    // The newest lastModified of the chain, the PUT of cns-0003 included.
    expect(result[2]?.cursor).toEqual({ lastUpdated: '2025-06-02T11:10:00.000Z', recent: [] });
  });

  it('E20: turns a DELETE into a tombstone at the edge', async () => {
    nock(base)
      .get('/ServiceRequest/_history').query(true).reply(200, history([{ ...del('ServiceRequest', 'sr-7', '2025-06-02T09:00:00+02:00'), response: { status: '204', lastModified: '2025-06-02T09:00:00+02:00', etag: 'W/"4"' } }]), fhirJson)
      .get('/EpisodeOfCare/_history').query(true).reply(200, history([]), fhirJson)
      .get('/Consent/_history').query(true).reply(200, history([]), fhirJson);
    const result = await pages('deletions');
    const out = edgeOf(result.flatMap((p) => p.items));
    expect(out.records.map((r) => r.draft)).toEqual([{
      record_kind: 'referral',
      source: { partner_id: 'ggz-altrecht', record_ref: 'ggz-altrecht:ServiceRequest/sr-7/_history/4', record_key: 'ggz-altrecht:ServiceRequest/sr-7', version: '4', modified_at: '2025-06-02T07:00:00.000Z', deleted: true },
    }]);
  });
});
