import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { CATEGORY, EOC_QUERY, FhirClient, IPS, matches, nextOf, outcomeSchema, type Bundle, type Resource } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ now: '2026-03-02T10:00:00+01:00', seed: 11 });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

const lastUpdated = (resource: Resource): number => Date.parse(resource.meta?.lastUpdated ?? '');
const live = (type: string): Array<{ id: string; lastUpdated: string }> => (sandbox.groundTruth().resources[type] ?? []).filter((item) => !item.deleted);

function expectSearchOrder(resources: readonly Resource[]): void {
  for (let i = 1; i < resources.length; i += 1) {
    const before = resources[i - 1];
    const after = resources[i];
    if (!before || !after) continue;
    expect(lastUpdated(before) < lastUpdated(after) || (lastUpdated(before) === lastUpdated(after) && (before.id ?? '') < (after.id ?? ''))).toBe(true);
  }
}

describe('searching the ggz sandbox', () => {
  it('walks the whole trajectory stream page by page with no gap and no duplicate, each page carrying its patients', async () => {
    const pages = await client.walk(`${EOC_QUERY}&_count=37&_include=EpisodeOfCare:patient`);
    expect(pages.length).toBeGreaterThan(5);
    const ids = pages.flatMap((page) => matches(page).map((resource) => resource.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(live('EpisodeOfCare').map((item) => item.id)));
    expectSearchOrder(pages.flatMap(matches));
    for (const page of pages) {
      const included = new Set(page.entry.filter((entry) => entry.search?.mode === 'include').map((entry) => entry.resource?.id));
      for (const episode of matches(page)) {
        const reference = String((episode.patient as { reference?: string } | undefined)?.reference ?? '');
        expect(included.has(reference.replace('Patient/', ''))).toBe(true);
      }
    }
  });

  it('writes next links as {base}?_getpages=…&_getpagesoffset=N&_count=N&_bundletype=searchset on its own origin', async () => {
    const page = await client.bundle(`${EOC_QUERY}&_count=10`);
    expect(nextOf(page)).toMatch(new RegExp(`^${sandbox.baseUrl}\\?_getpages=[0-9a-f-]{36}&_getpagesoffset=10&_count=10&_bundletype=searchset$`));
    expect(page.link.find((link) => link.relation === 'self')?.url).toBe(`${sandbox.baseUrl}/EpisodeOfCare?type=${encodeURIComponent(`${IPS}|ips-trajectory`)}&_sort=_lastUpdated&_count=10`);
  });

  it('filters _lastUpdated=ge inclusively and gt exclusively, in UTC or with an unencoded offset', async () => {
    const all = live('Consent');
    const pivot = all[Math.floor(all.length / 2)];
    if (!pivot) throw new Error('no consents');
    const instant = new Date(Date.parse(pivot.lastUpdated)).toISOString();
    const expected = all.filter((item) => Date.parse(item.lastUpdated) >= Date.parse(instant)).map((item) => item.id);
    const ge = (await client.walk(`/Consent?category=${CATEGORY}&_lastUpdated=ge${instant}&_count=500`)).flatMap(matches).map((resource) => resource.id);
    expect(ge).toEqual(expected);
    expect(ge).toContain(pivot.id);
    const gt = (await client.walk(`/Consent?_lastUpdated=gt${pivot.lastUpdated}&_count=500`)).flatMap(matches).map((resource) => resource.id);
    expect(gt).not.toContain(pivot.id);
    expect(gt.length).toBeLessThan(ge.length);
  });

  it('combines a repeated _lastUpdated into a range', async () => {
    const all = live('ServiceRequest');
    const from = all[10]?.lastUpdated ?? '';
    const to = all[20]?.lastUpdated ?? '';
    const found = (await client.walk(`/ServiceRequest?_lastUpdated=ge${encodeURIComponent(from)}&_lastUpdated=lt${encodeURIComponent(to)}`)).flatMap(matches);
    expect(found.map((resource) => resource.id)).toEqual(all.slice(10, 20).map((item) => item.id));
  });

  it('bounds a range with le to the millisecond, inclusive (a bounded pull asks ge and le)', async () => {
    const all = live('ServiceRequest');
    const from = new Date(Date.parse(all[10]?.lastUpdated ?? '')).toISOString();
    const until = new Date(Date.parse(all[20]?.lastUpdated ?? '')).toISOString();
    const found = (await client.walk(`/ServiceRequest?_lastUpdated=ge${from}&_lastUpdated=le${until}&_sort=_lastUpdated`)).flatMap(matches);
    const expected = all.filter((item) => Date.parse(item.lastUpdated) >= Date.parse(from) && Date.parse(item.lastUpdated) <= Date.parse(until));
    expect(found.map((resource) => resource.id)).toEqual(expected.map((item) => item.id));
    expect(found.map((resource) => resource.id)).toContain(all[20]?.id);
    const before = new Date(Date.parse(until) - 1).toISOString();
    const cut = (await client.walk(`/ServiceRequest?_lastUpdated=ge${from}&_lastUpdated=le${before}&_sort=_lastUpdated`)).flatMap(matches);
    expect(cut.map((resource) => resource.id)).not.toContain(all[20]?.id);
  });

  it('breaks ties on lastUpdated by id ascending, also in descending order', async () => {
    const ascending = (await client.walk(`/Consent?_count=500`)).flatMap(matches);
    const instants = ascending.map(lastUpdated);
    expect(new Set(instants).size).toBeLessThan(instants.length);
    expectSearchOrder(ascending);
    const descending = (await client.walk(`/Consent?_sort=-_lastUpdated&_count=500`)).flatMap(matches);
    for (let i = 1; i < descending.length; i += 1) {
      const [before, after] = [descending[i - 1], descending[i]];
      if (!before || !after) continue;
      expect(lastUpdated(before) > lastUpdated(after) || (lastUpdated(before) === lastUpdated(after) && (before.id ?? '') < (after.id ?? ''))).toBe(true);
    }
  });

  it('pages 50 by default, caps _count at 500, and gives a total only when asked', async () => {
    expect(matches(await client.bundle('/Patient'))).toHaveLength(50);
    expect(matches(await client.bundle('/Patient?_count=1000'))).toHaveLength(500);
    expect((await client.bundle('/Patient?_count=5')).total).toBeUndefined();
    expect((await client.bundle('/Patient?_count=5&_total=accurate')).total).toBe(500);
    expect((await client.bundle('/Patient?_count=0&_total=accurate')).entry).toEqual([]);
  });

  it('answers an unknown parameter under Prefer: handling=strict with 400 not-supported, and ignores it otherwise', async () => {
    const strict = await client.get('/Consent?colour=red', { Prefer: 'handling=strict' });
    expect(strict.status).toBe(400);
    expect(outcomeSchema.parse(strict.json()).issue[0]?.code).toBe('not-supported');
    const lenient = await client.bundle('/Consent?colour=red&_count=3');
    expect(lenient.link.find((link) => link.relation === 'self')?.url).toBe(`${sandbox.baseUrl}/Consent?_count=3`);
    const badDate = await client.get('/Consent?_lastUpdated=ge2025-13-01');
    expect(badDate.status).toBe(400);
    expect(outcomeSchema.parse(badDate.json()).issue[0]?.code).toBe('invalid');
  });

  it('filters tokens with comma as OR and finds a consent by the BSN of its patient', async () => {
    const alias = await client.bundle(`/EpisodeOfCare?type=urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS,${IPS}|ips-trajectory&_count=1&_total=accurate`);
    expect(alias.total).toBe(live('EpisodeOfCare').length);
    expect((await client.bundle('/EpisodeOfCare?type=urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS')).entry).toEqual([]);
    const p1 = await client.bundle(`/Consent?patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn%7C999990019&category=${CATEGORY}&_include=Consent:patient`);
    expect(matches(p1).map((resource) => resource.id)).toEqual(['cns-0001']);
    expect(p1.entry.find((entry) => entry.search?.mode === 'include')?.resource?.id).toBe('pat-0001');
    const rejected = matches(await client.bundle('/Consent?status=rejected&_count=500'));
    expect(rejected.map((resource) => resource.status)).toEqual(rejected.map(() => 'rejected'));
    expect(rejected.map((resource) => resource.id)).toContain('cns-0004');
    const patients = await client.bundle(`/Patient?_has:EpisodeOfCare:patient:type=${IPS}|ips-trajectory&_total=accurate&_count=1`);
    expect(patients.total).toBe(new Set(live('EpisodeOfCare').map((item) => item.id)).size);
  });

  it('returns only the asked elements, marked SUBSETTED', async () => {
    const [patient] = matches(await client.bundle('/Patient?_id=pat-0001&_elements=identifier'));
    expect(Object.keys(patient ?? {}).sort()).toEqual(['id', 'identifier', 'meta', 'resourceType']);
    expect(JSON.stringify(patient?.meta)).toContain('SUBSETTED');
  });

  it('expires a frozen result set after the paging TTL on the virtual clock: 410 expired', async () => {
    const page = await client.bundle(`${EOC_QUERY}&_count=10`);
    const next = nextOf(page) ?? '';
    expect((await client.get(next)).status).toBe(200);
    await client.control('POST', 'clock', { advanceSeconds: 601 });
    const expired = await client.get(next);
    expect(expired.status).toBe(410);
    expect(outcomeSchema.parse(expired.json()).issue[0]?.code).toBe('expired');
  });

  it('serves pages from the frozen set even when the data changes between pages', async () => {
    const first: Bundle = await client.bundle('/ServiceRequest?_count=100');
    const [head] = matches(first);
    await client.control('PUT', `records/ServiceRequest/${head?.id ?? ''}`, { ...head, status: 'revoked' });
    const rest = (await client.walk(nextOf(first) ?? '')).flatMap(matches);
    expect(rest.map((resource) => resource.id)).not.toContain(head?.id);
    expect([...matches(first), ...rest]).toHaveLength(live('ServiceRequest').length);
  });
});
