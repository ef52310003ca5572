import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { FhirClient, outcomeSchema } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00', token: 'ggz-token' });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

const capabilitySchema = z.object({
  resourceType: z.literal('CapabilityStatement'),
  fhirVersion: z.literal('4.0.1'),
  rest: z.array(z.object({
    searchParam: z.array(z.object({ name: z.string() })),
    resource: z.array(z.object({ type: z.string(), searchParam: z.array(z.object({ name: z.string() })), searchInclude: z.array(z.string()) })),
  })),
});

describe('reading from the ggz sandbox', () => {
  it('lists exactly the resource types and search parameters of the spec in /metadata', async () => {
    const statement = capabilitySchema.parse((await client.get('/metadata')).json());
    const [rest] = statement.rest;
    expect(rest?.searchParam.map((param) => param.name)).toEqual(['_id', '_lastUpdated', '_count', '_sort', '_include', '_total', '_elements']);
    const params = Object.fromEntries((rest?.resource ?? []).map((resource) => [resource.type, resource.searchParam.map((param) => param.name)]));
    expect(params).toEqual({
      Consent: ['category', 'status', 'patient', 'purpose', 'patient.identifier'],
      EpisodeOfCare: ['type', 'status', 'patient', 'date'],
      Patient: ['identifier', '_has:EpisodeOfCare:patient:type'],
      ServiceRequest: ['code', 'status', 'patient', 'subject', 'authored'],
    });
  });

  it('reads a resource with FHIR JSON, a weak ETag, Last-Modified and an echoed X-Request-ID', async () => {
    const answer = await client.get('/EpisodeOfCare/eoc-ips-0001', { 'X-Request-ID': 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(answer.headers.get('etag')).toBe('W/"5"');
    expect(answer.headers.get('last-modified')).toBe(new Date('2025-06-02T10:03:55.090+02:00').toUTCString());
    expect(answer.headers.get('x-request-id')).toBe('f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(answer.json()).toMatchObject({ resourceType: 'EpisodeOfCare', id: 'eoc-ips-0001', meta: { lastUpdated: '2025-06-02T10:03:55.090+02:00' } });
  });

  it('reads retained versions and says 404 for others, with an OperationOutcome', async () => {
    expect((await client.get('/Consent/cns-0003/_history/1')).json()).toMatchObject({ status: 'active', meta: { versionId: '1' } });
    expect((await client.get('/Consent/cns-0003/_history/2')).json()).toMatchObject({ status: 'inactive' });
    const history = await client.bundle('/Consent/cns-0003/_history');
    expect(history.entry.map((entry) => entry.response?.status)).toEqual(['200', '201']);
    for (const path of ['/Consent/cns-0003/_history/7', '/Patient/pat-nobody', '/ServiceRequest/sr-0002/_history/1']) {
      const answer = await client.get(path);
      expect(answer.status).toBe(404);
      expect(outcomeSchema.parse(answer.json()).issue[0]?.code).toBe('not-found');
    }
  });

  it('refuses without the bearer token: 401, WWW-Authenticate: Bearer and an OperationOutcome', async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer sandbox' }, { Authorization: 'Basic Z2d6OnRva2Vu' }];
    for (const headers of attempts) {
      const response = await fetch(`${sandbox.baseUrl}/Patient/pat-0001`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(outcomeSchema.parse(await response.json()).issue[0]?.code).toBe('login');
    }
  });

  it('answers what it does not serve with an OperationOutcome', async () => {
    const unknownType = await client.get('/Observation');
    expect([unknownType.status, outcomeSchema.parse(unknownType.json()).issue[0]?.code]).toEqual([404, 'not-supported']);
    const post = await fetch(`${sandbox.baseUrl}/Patient`, { method: 'POST', headers: { Authorization: 'Bearer ggz-token' }, body: '{}' });
    expect(post.status).toBe(405);
    expect((await client.get('/Patient/%E0%A4%A')).status).toBe(400);
    const system = await client.get('');
    expect(system.status).toBe(400);
    const outside = await fetch(`${sandbox.url}/api/Patient`, { headers: { Authorization: 'Bearer ggz-token' } });
    expect(outside.status).toBe(404);
  });
});
