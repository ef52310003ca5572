import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { CATEGORY, FhirClient, matches, nextOf, outcomeSchema } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;
const consentUrl = (path: string): string => `${sandbox.consentBaseUrl ?? ''}${path}`;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00', consentBase: '/consent/fhir' });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  await client.control('POST', 'consent-source', { state: 'up' });
});

describe('a separate consent service (SANDBOX_CONSENT_BASE)', () => {
  it('serves Consent only on the consent base, with next links there, and 404 on /fhir/Consent', async () => {
    expect(sandbox.consentBaseUrl).toBe(`${sandbox.url}/consent/fhir`);
    const moved = await client.get('/Consent');
    expect(moved.status).toBe(404);
    expect(outcomeSchema.parse(moved.json()).issue[0]?.diagnostics).toContain('/consent/fhir');
    const page = await client.bundle(consentUrl(`/Consent?category=${CATEGORY}&_count=20&_include=Consent:patient`));
    expect(nextOf(page)).toMatch(new RegExp(`^${sandbox.url}/consent/fhir\\?_getpages=`));
    expect(page.entry.find((entry) => entry.search?.mode === 'include')?.fullUrl).toMatch(new RegExp(`^${sandbox.url}/fhir/Patient/`));
    const all = (await client.walk(consentUrl('/Consent?_count=100'))).flatMap(matches);
    expect(all).toHaveLength((sandbox.groundTruth().resources.Consent ?? []).length);
    expect((await client.get(consentUrl('/Patient/pat-0001'))).status).toBe(404);
  });

  it('goes down on request: 503 with Retry-After and a transient OperationOutcome on the consent path only', async () => {
    const page = await client.bundle(consentUrl('/Consent?_count=10'));
    await client.control('POST', 'consent-source', { state: 'down' });
    for (const url of [consentUrl('/Consent'), nextOf(page) ?? '', consentUrl('/metadata')]) {
      const answer = await client.get(url);
      expect([answer.status, answer.headers.get('retry-after')]).toEqual([503, '30']);
      expect(outcomeSchema.parse(answer.json()).issue[0]).toMatchObject({ code: 'transient', diagnostics: 'Toestemmingsregister tijdelijk niet beschikbaar' });
    }
    expect((await client.get('/EpisodeOfCare?_count=1')).status).toBe(200);
    await client.control('POST', 'consent-source', { state: 'up' });
    expect((await client.get(consentUrl('/Consent?_count=1'))).status).toBe(200);
  });

  it('goes slow on request, on the consent path only', async () => {
    await client.control('POST', 'consent-source', { state: 'slow', delayMs: 250 });
    const started = performance.now();
    expect((await client.get(consentUrl('/Consent?_count=1'))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    const other = performance.now();
    expect((await client.get('/Patient?_count=1')).status).toBe(200);
    expect(performance.now() - other).toBeLessThan(240);
  });
});

describe('consent-source without a consent base', () => {
  it('arms its faults on /fhir/Consent and its pages, leaving other resources alone', async () => {
    const plain = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00' });
    try {
      const plainClient = new FhirClient(plain);
      const page = await plainClient.bundle('/Consent?_count=10');
      await plainClient.control('POST', 'consent-source', { state: 'down' });
      expect((await plainClient.get('/Consent?_count=1')).status).toBe(503);
      expect((await plainClient.get(nextOf(page) ?? '')).status).toBe(503);
      expect((await plainClient.get('/Patient/pat-0001')).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
