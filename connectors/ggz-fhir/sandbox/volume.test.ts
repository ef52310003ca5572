import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { FhirClient, matches, nextOf } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;
let startupMs = 0;

beforeAll(async () => {
  const started = performance.now();
  sandbox = await startGgzSandbox({ scenario: 'volume', seed: 7, now: '2026-03-02T10:00:00+01:00' });
  startupMs = performance.now() - started;
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

describe('the volume scenario', () => {
  it('generates 100,000 persons in a few seconds', async () => {
    expect(startupMs).toBeLessThan(15_000);
    expect((await client.control('GET', 'health')).body).toMatchObject({ scenario: 'volume', persons: 100_000, records: { Patient: 100_000 } });
  });

  it('serves all 100,000 persons through paging, each with its own BSN', async () => {
    const bsns = new Set<string>();
    let pages = 0;
    let next: string | undefined = '/Patient?_count=500&_elements=identifier';
    while (next) {
      const page = await client.bundle(next);
      pages += 1;
      for (const patient of matches(page)) {
        const identifiers = (patient.identifier ?? []) as Array<{ system?: string; value?: string }>;
        const bsn = identifiers.find((identifier) => identifier.system === 'http://fhir.nl/fhir/NamingSystem/bsn')?.value;
        if (bsn) bsns.add(bsn);
      }
      next = nextOf(page);
    }
    expect(pages).toBe(200);
    expect(bsns.size).toBe(100_000);
  });

  it('has no cast and no edge cases, and answers a point lookup among 100k at once', async () => {
    const truth = sandbox.groundTruth();
    expect(truth.persons).toHaveLength(100_000);
    expect(truth.persons.some((person) => person.castId !== undefined)).toBe(false);
    expect(truth.edgeCases).toEqual([]);
    const someone = truth.persons[54_321];
    const page = await client.bundle(`/Consent?patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|${someone?.bsn ?? ''}`);
    expect(matches(page).map((consent) => consent.id)).toEqual(someone?.consentIds ?? []);
  });
});
