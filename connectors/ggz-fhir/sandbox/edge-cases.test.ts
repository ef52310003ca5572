import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGgzSandbox, type GgzSandbox } from './server.js';
import { EOC_QUERY, FhirClient, IPS, matches, nextOf, type Bundle } from './test/fhir-client.js';

let sandbox: GgzSandbox;
let client: FhirClient;

beforeAll(async () => {
  sandbox = await startGgzSandbox({ scenario: 'edge-cases', now: '2026-03-02T10:00:00+01:00' });
  client = new FhirClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

const resource = async (path: string): Promise<Record<string, unknown>> => z.record(z.string(), z.unknown()).parse((await client.get(path)).json());

describe('the edge-cases scenario', () => {
  it('serves every edge case E01–E30 of the spec under stable edge-NN ids', async () => {
    const cases = sandbox.edgeCases();
    expect(cases.map((edge) => edge.code)).toEqual(Array.from({ length: 30 }, (_, i) => `E${String(i + 1).padStart(2, '0')}`));
    for (const edge of cases) for (const id of edge.ids) expect(id.startsWith(`edge-${edge.code.slice(1)}-`)).toBe(true);
    const listed = z.object({ edgeCases: z.array(z.object({ code: z.string() })) }).parse((await client.control('GET', 'edge-cases')).body);
    expect(listed.edgeCases).toHaveLength(30);
    const served = new Set(Object.values(sandbox.groundTruth().resources).flatMap((list) => list.map((item) => item.id)));
    for (const edge of cases.filter((item) => item.servedBy !== 'control' && item.code !== 'E24')) for (const id of edge.ids) expect(served.has(id)).toBe(true);
  });

  it('E01–E07: serves the BSN variants as written', async () => {
    const identifiers = async (id: string): Promise<unknown> => (await resource(`/Patient/${id}`)).identifier;
    expect(JSON.stringify(await identifiers('edge-01-no-bsn'))).not.toContain('fhir.nl');
    expect(JSON.stringify(await identifiers('edge-02-x1-invalid-bsn'))).toContain('"999990010"');
    expect(JSON.stringify(await identifiers('edge-02-x2-invalid-bsn'))).toContain('"123456789"');
    expect(JSON.stringify(await identifiers('edge-03-bsn-leading-zero-lost'))).toContain('"10000021"');
    expect(JSON.stringify(await identifiers('edge-04-bsn-spaces'))).toContain('"999 990 019"');
    expect(JSON.stringify(await identifiers('edge-04-bsn-dots'))).toContain('"999.990.019"');
    expect(JSON.stringify(await identifiers('edge-05-bsn-oid'))).toContain('urn:oid:2.16.840.1.113883.2.4.6.3');
    expect(await identifiers('edge-06-empty-bsn-identifier')).toEqual(expect.arrayContaining([{ system: 'http://fhir.nl/fhir/NamingSystem/bsn' }]));
    expect(JSON.stringify(await identifiers('edge-07-two-bsns')).match(/fhir\.nl\/fhir\/NamingSystem\/bsn/g)).toHaveLength(2);
  });

  it('E08–E10: references by identifier, absolute, versioned, contained, and to a patient that does not exist', async () => {
    expect((await resource('/ServiceRequest/edge-08-subject-identifier')).subject).toMatchObject({ identifier: { system: 'http://fhir.nl/fhir/NamingSystem/bsn' } });
    expect((await resource('/ServiceRequest/edge-09-absolute-reference')).subject).toEqual({ reference: `${sandbox.baseUrl}/Patient/edge-09-patient` });
    expect((await resource('/ServiceRequest/edge-09-versioned-reference')).subject).toEqual({ reference: 'Patient/edge-09-patient/_history/1' });
    expect(await resource('/ServiceRequest/edge-09-contained-reference')).toMatchObject({ subject: { reference: '#p1' }, contained: [{ id: 'p1' }] });
    const page = await client.bundle('/ServiceRequest?_id=edge-10-missing-patient,edge-09-absolute-reference&_include=ServiceRequest:subject');
    expect(page.entry.filter((entry) => entry.search?.mode === 'include').map((entry) => entry.resource?.id)).toEqual(['edge-09-patient']);
    expect((await client.get('/Patient/edge-10-patient-gone')).status).toBe(404);
  });

  it('E11–E15: bad codes, a local IPS code, bad dates, a reversed period, partial birth dates', async () => {
    expect((await resource('/ServiceRequest/edge-11-status-suspended')).status).toBe('suspended');
    expect(matches(await client.bundle(`/EpisodeOfCare?type=${IPS}|ips-trajectory&_id=edge-12-local-ips-code`))).toEqual([]);
    expect(matches(await client.bundle('/EpisodeOfCare?type=urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1|IPS')).map((item) => item.id)).toEqual(['edge-12-local-ips-code']);
    expect((await resource('/ServiceRequest/edge-13-invalid-authored')).authoredOn).toBe('2025-02-30');
    expect((await resource('/EpisodeOfCare/edge-13-template-placeholder')).period).toEqual({ start: '${DATE, T, D, -20}' });
    expect((await resource('/Consent/edge-13-datetime-no-offset')).dateTime).toBe('2025-03-01T10:00:00');
    expect((await resource('/EpisodeOfCare/edge-14-end-before-start')).period).toEqual({ start: '2025-03-01', end: '2025-02-01' });
    expect((await resource('/Patient/edge-15-birth-year-only')).birthDate).toBe('1991');
    expect((await resource('/Patient/edge-15-birth-year-month')).birthDate).toBe('1991-06');
  });

  it('E16 and E18: a flagged row comes again at the top of the next page, E18 with other content and the same version', async () => {
    const pages = await client.walk(`${EOC_QUERY}&_count=10`);
    const appearances = (id: string): Array<{ page: number; body: string }> =>
      pages.flatMap((page: Bundle, index) => matches(page).filter((item) => item.id === id).map((item) => ({ page: index, body: JSON.stringify(item) })));
    const e16 = appearances('edge-16-repeated-across-pages');
    expect(e16.map((item) => item.page)).toEqual([e16[0]?.page, (e16[0]?.page ?? 0) + 1]);
    expect(e16[0]?.body).toBe(e16[1]?.body);
    const e18 = appearances('edge-18-same-version-new-content');
    expect(e18).toHaveLength(2);
    expect(e18[0]?.body).not.toBe(e18[1]?.body);
    expect(JSON.parse(e18[0]?.body ?? '{}').meta.versionId).toBe(JSON.parse(e18[1]?.body ?? '{}').meta.versionId);
  });

  it('E17 and E19: a control PUT serves an older version later, or a version with an earlier lastUpdated', async () => {
    expect((await resource('/EpisodeOfCare/edge-17-version-regression')).meta).toMatchObject({ versionId: '3' });
    const current = await resource('/EpisodeOfCare/edge-17-version-regression');
    expect((await client.control('PUT', 'records/EpisodeOfCare/edge-17-version-regression?versionId=2', current)).status).toBe(200);
    expect((await client.get('/EpisodeOfCare/edge-17-version-regression')).headers.get('etag')).toBe('W/"2"');
    const late = await client.control('PUT', 'records/EpisodeOfCare/edge-19-late-commit?lastUpdated=2026-03-02T08:59:00Z', await resource('/EpisodeOfCare/edge-19-late-commit'));
    expect(late.body).toMatchObject({ meta: { versionId: '2', lastUpdated: '2026-03-02T09:59:00.000+01:00' } });
  });

  it('E20 and E21: a deleted referral (410, DELETE in _history) and entered-in-error versions', async () => {
    expect((await client.get('/ServiceRequest/edge-20-deleted-referral')).status).toBe(410);
    const history = (await client.walk('/ServiceRequest/_history?_since=2026-02-20T00:00:00Z')).flatMap((page) => page.entry);
    expect(history.find((entry) => entry.request?.method === 'DELETE')?.request?.url).toBe('ServiceRequest/edge-20-deleted-referral');
    for (const [type, id] of [['ServiceRequest', 'edge-21-entered-in-error-referral'], ['EpisodeOfCare', 'edge-21-entered-in-error-trajectory'], ['Consent', 'edge-21-entered-in-error-consent']] as const) {
      expect(await resource(`/${type}/${id}`)).toMatchObject({ status: 'entered-in-error', meta: { versionId: '2' } });
      expect(await resource(`/${type}/${id}/_history/1`)).toMatchObject({ status: expect.not.stringMatching('entered-in-error') });
    }
  });

  it('E22, E23, E25, E30: huge free text, a BSN in an identifier, an unknown modifier, a display-only referral', async () => {
    const answer = await client.get('/ServiceRequest/edge-22-huge-free-text');
    const huge = z.object({ note: z.array(z.object({ text: z.string() })), text: z.object({ div: z.string() }) }).parse(answer.json());
    expect(Buffer.byteLength(huge.note[0]?.text ?? '')).toBeGreaterThanOrEqual(1024 * 1024);
    expect(Buffer.byteLength(huge.text.div)).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(huge.text.div).toMatch(/BSN 99\d{7}/);
    expect(answer.bytes.length).toBeLessThan(16 * 1024 * 1024);
    expect(JSON.stringify((await resource('/ServiceRequest/edge-23-bsn-in-identifier')).identifier)).toContain('VW-999990019-');
    expect((await resource('/EpisodeOfCare/edge-25-unknown-modifier')).modifierExtension).toHaveLength(1);
    expect((await resource('/EpisodeOfCare/edge-30-display-only-referral')).referralRequest).toEqual([{ display: expect.any(String) }]);
  });

  it('E24 and E27: an outcome entry on every first page, and a byte-order mark before pages with non-ASCII names', async () => {
    const first = await client.bundle('/Patient?_count=5');
    expect(first.entry[0]).toMatchObject({ search: { mode: 'outcome' }, resource: { resourceType: 'OperationOutcome', id: 'edge-24-search-warning' } });
    expect(matches(await client.bundle(nextOf(first) ?? '')).length).toBe(5);
    const page = await client.get('/Patient?_id=edge-27-yildiz,edge-27-zoe,edge-27-ijsbrand');
    expect([...page.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(page.text).toContain('Yıldız');
    expect(page.text).toContain('Zoë');
    expect(page.text).toContain('IJsbrand');
  });

  it('E26 and E29: next links on another origin, and pages that ignore _count, both by control', async () => {
    await client.control('POST', 'paging', { nextOrigin: 'http://127.0.0.2:9' });
    expect(nextOf(await client.bundle('/Patient?_count=10'))).toMatch(/^http:\/\/127\.0\.0\.2:9\/fhir\?_getpages=/);
    await client.control('POST', 'paging', { nextOrigin: null, pageSize: 500 });
    const big = await client.bundle('/Patient?_count=100');
    expect(matches(big)).toHaveLength(500);
    expect(nextOf(big)).toMatch(new RegExp(`^${sandbox.baseUrl}\\?.*_count=500`));
    await client.control('POST', 'paging', { pageSize: null });
    expect(matches(await client.bundle('/Patient?_count=100'))).toHaveLength(100);
    expect((await client.control('POST', 'paging', { nextOrigin: 'not a url' })).status).toBe(400);
  });

  it('E28: the consent variants, with the permit and the deny of one client at the same instant', async () => {
    const permit = await resource('/Consent/edge-28-conflict-permit');
    const deny = await resource('/Consent/edge-28-conflict-deny');
    expect([permit.dateTime, permit.meta]).toEqual([deny.dateTime, expect.objectContaining({ lastUpdated: (deny.meta as { lastUpdated: string }).lastUpdated })]);
    expect(deny.provision).toMatchObject({ type: 'deny' });
    expect((await resource('/Consent/edge-28-no-patient')).patient).toBeUndefined();
    expect((await resource('/Consent/edge-28-nested-deny')).provision).toMatchObject({ provision: [{ type: 'deny' }] });
    expect((await resource('/Consent/edge-28-other-region')).provision).toMatchObject({ actor: [{ reference: { identifier: { value: 'AM14' } } }] });
    expect((await resource('/Consent/edge-28-period-ended')).provision).toMatchObject({ period: { end: '2026-02-15' } });
    expect((await resource('/Consent/edge-28-draft')).status).toBe('draft');
  });
});
