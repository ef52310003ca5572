import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { FhirClient, matches, outcomeSchema } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00', controlToken: 'secret-control', persons: 120 });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

const healthSchema = z.object({ partner: z.literal('ggz'), scenario: z.string(), seed: z.number(), clock: z.string(), records: z.record(z.string(), z.number()) });

describe('the ggz control API', () => {
  it('needs its own token: none, a wrong one and the partner token are all refused', async () => {
    for (const authorization of [undefined, 'Bearer control', `Bearer ${sandbox.token}`]) {
      const response = await fetch(`${sandbox.url}/__control/health`, { headers: authorization ? { Authorization: authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const health = healthSchema.parse((await client.control('GET', 'health')).body);
    expect(health).toMatchObject({ scenario: 'default', seed: 42, clock: '2026-03-02T10:00:00.000+01:00', records: { Patient: 120 } });
  });

  it('resets deterministically: the same seed gives the same data, another seed other data', async () => {
    const pull = async (): Promise<string> => JSON.stringify((await client.walk('/EpisodeOfCare?_count=500&_include=EpisodeOfCare:patient')).flatMap((page) => page.entry.map((entry) => entry.resource)));
    await client.control('POST', 'reset', { seed: 5 });
    const first = { truth: sandbox.groundTruth().resources, body: await pull() };
    await client.control('POST', 'clock', { advanceSeconds: 3600 });
    await client.control('POST', 'reset', { seed: 5 });
    expect(sandbox.groundTruth().resources).toEqual(first.truth);
    expect(await pull()).toBe(first.body);
    await client.control('POST', 'reset', { seed: 6 });
    expect(await pull()).not.toBe(first.body);
    const other = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00', persons: 120, seed: 5 });
    try {
      expect(other.groundTruth().resources).toEqual(first.truth);
    } finally {
      await other.close();
    }
  });

  it('switches scenario and size on reset, and refuses what it does not know', async () => {
    const volume = await client.control('POST', 'reset', { scenario: 'volume', persons: 30 });
    expect(healthSchema.parse(volume.body).records).toMatchObject({ Patient: 30 });
    expect((await client.control('POST', 'reset', { scenario: 'weekend' })).status).toBe(400);
    expect((await client.control('POST', 'reset', '{not json')).status).toBe(400);
    await client.control('POST', 'reset', {});
    expect(healthSchema.parse((await client.control('GET', 'health')).body)).toMatchObject({ scenario: 'default', seed: 42, records: { Patient: 120 } });
  });

  it('sets and advances the virtual clock, and the reset returns it to the start', async () => {
    expect((await client.control('POST', 'clock', { now: '2026-06-01T09:00:00+02:00' })).body).toEqual({ now: '2026-06-01T09:00:00.000+02:00', frozen: true });
    expect((await client.control('POST', 'clock', { advanceSeconds: 90 })).body).toMatchObject({ now: '2026-06-01T09:01:30.000+02:00' });
    expect((await client.control('POST', 'clock', { now: 'tomorrow' })).status).toBe(400);
    await client.control('POST', 'reset', {});
    expect(sandbox.clock.state().now).toBe('2026-03-02T10:00:00.000+01:00');
  });

  it('puts a new version with lastUpdated = now, or the lastUpdated and versionId asked for', async () => {
    await client.control('POST', 'reset', {});
    const before = await client.get('/Consent/cns-0002');
    const consent = z.looseObject({ meta: z.object({ versionId: z.string() }) }).parse(before.json());
    await client.control('POST', 'clock', { now: '2026-03-05T12:00:00+01:00' });
    const put = await client.control('PUT', 'records/Consent/cns-0002', { ...consent, status: 'inactive' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: 'inactive', meta: { versionId: String(Number(consent.meta.versionId) + 1), lastUpdated: '2026-03-05T12:00:00.000+01:00' } });
    const read = await client.get('/Consent/cns-0002');
    expect(read.headers.get('etag')).toBe(`W/"${Number(consent.meta.versionId) + 1}"`);
    expect((await client.get(`/Consent/cns-0002/_history/${consent.meta.versionId}`)).json()).toMatchObject({ status: 'active' });

    const late = await client.control('PUT', 'records/Consent/cns-0002?lastUpdated=2026-03-05T11:59:00%2B01:00', { ...consent, status: 'active' });
    expect(late.body).toMatchObject({ meta: { lastUpdated: '2026-03-05T11:59:00.000+01:00' } });
    const older = await client.control('PUT', 'records/Consent/cns-0002?versionId=1', { ...consent, status: 'draft' });
    expect(older.body).toMatchObject({ status: 'draft', meta: { versionId: '1' } });
    const created = await client.control('PUT', 'records/Consent/cns-new', { resourceType: 'Consent', status: 'active' });
    expect(created.status).toBe(201);
    expect((await client.control('PUT', 'records/Consent/cns-x', { resourceType: 'Patient' })).status).toBe(400);
  });

  it('deletes a resource: reads answer 410 and _history lists the DELETE', async () => {
    await client.control('POST', 'reset', {});
    await client.control('POST', 'clock', { now: '2026-03-06T08:00:00+01:00' });
    expect((await client.control('DELETE', 'records/ServiceRequest/sr-0002')).status).toBe(200);
    const read = await client.get('/ServiceRequest/sr-0002');
    expect(read.status).toBe(410);
    expect(outcomeSchema.parse(read.json()).issue[0]?.code).toBe('deleted');
    const history = await client.bundle('/ServiceRequest/_history?_since=2026-03-06T06:00:00Z');
    expect(history.type).toBe('history');
    expect(history.entry).toEqual([expect.objectContaining({ request: { method: 'DELETE', url: 'ServiceRequest/sr-0002' }, response: expect.objectContaining({ status: '204', lastModified: '2026-03-06T08:00:00.000+01:00' }) })]);
    expect(matches(await client.bundle('/ServiceRequest?_id=sr-0002'))).toEqual([]);
    expect((await client.control('DELETE', 'records/ServiceRequest/sr-0002')).status).toBe(404);
  });

  it('lists, removes and clears fault rules', async () => {
    await client.control('POST', 'reset', {});
    await client.control('POST', 'faults', { fault: { type: 'delay', ms: 1 }, times: 0 });
    await client.control('POST', 'faults', { fault: { type: 'malformed' } });
    const listed = z.object({ faults: z.array(z.object({ id: z.string(), seen: z.number() })) }).parse((await client.control('GET', 'faults')).body);
    expect(listed.faults.map((fault) => fault.id)).toEqual(['f1', 'f2']);
    expect((await client.control('DELETE', 'faults/f1')).status).toBe(200);
    expect((await client.control('DELETE', 'faults/f9')).status).toBe(404);
    expect((await client.control('DELETE', 'faults')).body).toEqual({ removed: 1 });
    expect((await client.control('POST', 'faults', { fault: { type: 'delay' } })).status).toBe(400);
  });

  it('journals requests without bodies or query strings, newest last, and honours ?limit=', async () => {
    await client.control('POST', 'reset', {});
    await client.get('/Patient/pat-0001', { 'X-Request-ID': '1b4e28ba-2fa1-11d2-883f-0016d3cca427' });
    await client.get('/Consent?patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|999990019');
    const { requests } = z.object({ requests: z.array(z.record(z.string(), z.unknown())) }).parse((await client.control('GET', 'requests?limit=5')).body);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/fhir/Patient/pat-0001', operation: 'read', status: 200, requestId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', fault: null });
    expect(requests[1]).toMatchObject({ path: '/fhir/Consent', operation: 'search-type', bsnHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(JSON.stringify(requests)).not.toContain('999990019');
    expect(typeof requests[0]?.durationMs).toBe('number');
    expect(z.object({ requests: z.array(z.unknown()) }).parse((await client.control('GET', 'requests?limit=1')).body).requests).toHaveLength(1);
  });
});
