import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { FhirClient, matches } from './test/fhir-client.js';

const PATIENT = '8e5bd9a0-5e0c-4c3a-b43c-2b0b5d6f1a11';
const REFERRAL = '0f6a3c1e-9a54-4f7e-8c1d-7d2b1e4a9c22';
const EPISODE = 'c2d9e7b4-1f3a-4e6b-9d8c-5a7b3c1e2f33';
let dir: string;
let sandbox: GgzSandbox;
let client: FhirClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ggz-fixtures-'));
  mkdirSync(join(dir, 'consent'));
  // A transaction Bundle as published examples come: urn:uuid fullUrls, references to them, no meta.
  writeFileSync(join(dir, 'transaction.json'), JSON.stringify({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: `urn:uuid:${PATIENT}`, resource: { resourceType: 'Patient', identifier: [{ system: 'http://fhir.nl/fhir/NamingSystem/bsn', value: '999993653' }], birthDate: '1980' }, request: { method: 'POST', url: 'Patient' } },
      { fullUrl: `urn:uuid:${REFERRAL}`, resource: { resourceType: 'ServiceRequest', status: 'active', intent: 'order', code: { coding: [{ system: 'https://werkbrug.example/fhir/CodeSystem/ips', code: 'ips-referral' }] }, subject: { reference: `urn:uuid:${PATIENT}` } }, request: { method: 'POST', url: 'ServiceRequest' } },
      { fullUrl: `urn:uuid:${EPISODE}`, resource: { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: `urn:uuid:${PATIENT}` }, referralRequest: [{ reference: `urn:uuid:${REFERRAL}` }] }, request: { method: 'POST', url: 'EpisodeOfCare' } },
      { request: { method: 'DELETE', url: 'Patient/old' } },
    ],
  }));
  // A single resource with its own meta, behind a byte-order mark, in a subfolder.
  writeFileSync(join(dir, 'consent', 'consent.json'), `\uFEFF${JSON.stringify({
    resourceType: 'Consent', id: 'cns-fx-1', meta: { versionId: '4', lastUpdated: '2024-05-01T10:00:00Z' }, status: 'active',
    patient: { reference: `Patient/${PATIENT}` }, category: [{ coding: [{ system: 'https://werkbrug.example/fhir/CodeSystem/consent-category', code: 'ips-data-sharing' }] }],
  })}`);
  writeFileSync(join(dir, 'notes.txt'), 'not a fixture');
  sandbox = await startGgzSandbox({ fixturesDir: dir, now: '2026-03-02T10:00:00+01:00' });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fixture folder mode', () => {
  it('unpacks a Bundle: urn:uuid fullUrls become ids, missing meta becomes version 1 at load time', async () => {
    const patient = (await client.get(`/Patient/${PATIENT}`)).json();
    expect(patient).toMatchObject({ id: PATIENT, meta: { versionId: '1', lastUpdated: '2026-03-02T10:00:00.000+01:00' }, birthDate: '1980' });
    expect(sandbox.groundTruth()).toMatchObject({ source: 'fixtures', persons: [], resources: { Patient: [expect.objectContaining({ id: PATIENT })] } });
  });

  it('rewrites references to urn:uuid entries so search and _include resolve them', async () => {
    expect((await client.get(`/EpisodeOfCare/${EPISODE}`)).json()).toMatchObject({ patient: { reference: `Patient/${PATIENT}` }, referralRequest: [{ reference: `ServiceRequest/${REFERRAL}` }] });
    const page = await client.bundle(`/ServiceRequest?code=https://werkbrug.example/fhir/CodeSystem/ips|ips-referral&_include=ServiceRequest:subject`);
    expect(page.entry.map((entry) => [entry.search?.mode, entry.resource?.id])).toEqual([['match', REFERRAL], ['include', PATIENT]]);
    expect(matches(await client.bundle(`/EpisodeOfCare?patient=Patient/${PATIENT}`)).map((resource) => resource.id)).toEqual([EPISODE]);
  });

  it('keeps meta that a file gives, reads a byte-order mark, and skips files that are not .json', async () => {
    expect((await client.get('/Consent/cns-fx-1')).json()).toMatchObject({ meta: { versionId: '4', lastUpdated: '2024-05-01T12:00:00.000+02:00' } });
    expect(matches(await client.bundle(`/Consent?patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|999993653`)).map((resource) => resource.id)).toEqual(['cns-fx-1']);
    expect(Object.keys(sandbox.groundTruth().resources).sort()).toEqual(['Consent', 'EpisodeOfCare', 'Patient', 'ServiceRequest']);
  });

  it('reloads the folder on reset', async () => {
    await client.control('DELETE', `records/Consent/cns-fx-1`);
    expect((await client.get('/Consent/cns-fx-1')).status).toBe(410);
    await client.control('POST', 'reset', {});
    expect((await client.get('/Consent/cns-fx-1')).status).toBe(200);
  });

  it('refuses at start-up a file that is not FHIR JSON, naming it', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'ggz-fixtures-bad-'));
    try {
      writeFileSync(join(bad, 'broken.json'), '{"resourceType": "Patient",');
      await expect(startGgzSandbox({ fixturesDir: bad })).rejects.toThrow(/broken\.json is not valid JSON/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
