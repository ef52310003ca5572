import { describe, expect, it } from 'vitest';
import { draftRecordSchema } from '../../src/trajectory/trajectory-record.js';
import { edgeContext, edgeOf, fixture, p1Secrets, resourceItem } from './fixtures/test-kit.js';
import type { GgzItem } from './item.js';

const patient = fixture('spec/patient-p1.json');
const sr = () => fixture('spec/service-request-p1.json');

describe('ggzEdge', () => {
  it('accounts for every item exactly once: a record, a rejection or an absorbed duplicate', () => {
    const items: GgzItem[] = [
      resourceItem('ServiceRequest', sr(), patient),
      resourceItem('ServiceRequest', sr(), patient),
      resourceItem('ServiceRequest', { ...sr(), id: 'sr-2', status: 'suspended' }, patient),
      resourceItem('EpisodeOfCare', fixture('spec/episode-of-care-p1.json'), patient),
      resourceItem('Consent', fixture('spec/consent-p1.json'), patient),
      { kind: 'deletion', resourceType: 'Consent', id: 'cns-0044', lastModified: '2025-06-01T14:00:03.000+02:00' },
    ];
    const out = edgeOf(items);
    expect(out.records.length + out.rejections.length + out.absorbed).toBe(items.length);
    expect(out).toMatchObject({ absorbed: 1 });
    expect(out.rejections).toHaveLength(1);
    for (const record of out.records) expect(draftRecordSchema.safeParse(record.draft).success).toBe(true);
  });

  it('E16: absorbs the same id and version twice on a page', () => {
    expect(edgeOf([resourceItem('ServiceRequest', sr(), patient), resourceItem('ServiceRequest', sr(), patient)])).toMatchObject({ absorbed: 1, rejections: [] });
  });

  it('E18: quarantines the same id and version with other content', () => {
    const out = edgeOf([resourceItem('ServiceRequest', sr(), patient), resourceItem('ServiceRequest', { ...sr(), status: 'revoked' }, patient)]);
    expect(out.records).toHaveLength(1);
    expect(out.rejections).toEqual([{ sourceRef: 'ggz-altrecht:ServiceRequest/sr-20250114-0042/_history/2', stage: 'parse', reason: 'version-conflict', field: 'meta.versionId', expected: expect.any(String) }]);
  });

  it('E20: turns a DELETE into a tombstone whose version comes from the deletion instant', () => {
    const out = edgeOf([{ kind: 'deletion', resourceType: 'Consent', id: 'cns-0044', lastModified: '2025-06-01T14:00:03.000+02:00' }]);
    expect(out.records[0]?.draft).toEqual({
      record_kind: 'consent',
      source: {
        partner_id: 'ggz-altrecht',
        record_ref: 'ggz-altrecht:Consent/cns-0044/_history/deleted-20250601T120003Z',
        record_key: 'ggz-altrecht:Consent/cns-0044',
        version: 'deleted-20250601T120003Z',
        modified_at: '2025-06-01T12:00:03.000Z',
        deleted: true,
      },
    });
  });

  it('E22: drops a 1 MiB note and a 2 MiB narrative full of names and a BSN', () => {
    const filler = 'Sanne de Vries, BSN 999990019, Oudegracht 231. ';
    const big = { ...sr(), note: [{ text: filler.repeat(Math.ceil(1_048_576 / filler.length)) }], text: { status: 'generated', div: `<div>${filler.repeat(Math.ceil(2_097_152 / filler.length))}</div>` } };
    const out = edgeOf([resourceItem('ServiceRequest', big, patient)]);
    expect(out.records).toHaveLength(1);
    const text = JSON.stringify(out);
    expect(text.length).toBeLessThan(2_000);
    for (const secret of p1Secrets) expect(text).not.toContain(secret);
  });

  it('E25: refuses a record whose Patient carries an unknown modifier', () => {
    const out = edgeOf([resourceItem('ServiceRequest', sr(), { ...patient, modifierExtension: [{ url: 'https://epd.example/confidential', valueBoolean: true }] })]);
    expect(out.rejections[0]).toMatchObject({ reason: 'unknown-modifier', field: 'Patient.modifierExtension' });
  });

  it('refuses a resource of another type than the stream, and one without id', () => {
    const out = edgeOf([resourceItem('ServiceRequest', { ...patient }), resourceItem('Consent', { resourceType: 'Consent', status: 'active' })]);
    expect(out.rejections).toEqual([
      { sourceRef: 'ggz-altrecht:ServiceRequest/pat-0001/_history/3', stage: 'parse', reason: 'unknown-code', field: 'resourceType', expected: 'ServiceRequest' },
      { sourceRef: 'ggz-altrecht:Consent/unidentified', stage: 'parse', reason: 'required-missing', field: 'id', expected: 'a string' },
    ]);
  });

  it('refuses an invalid meta.lastUpdated without echoing it', () => {
    const out = edgeOf([resourceItem('ServiceRequest', { ...sr(), meta: { versionId: '2', lastUpdated: '2025-01-15T08:41:07' } }, patient)]);
    expect(out.rejections[0]).toMatchObject({ reason: 'invalid-date', field: 'meta.lastUpdated' });
    expect(JSON.stringify(out)).not.toContain('08:41:07');
  });

  it('refuses a resource nested too deep to read safely', () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 100; i += 1) deep = { nested: deep };
    expect(edgeOf([resourceItem('ServiceRequest', { ...sr(), deep }, patient)]).rejections[0]).toMatchObject({ reason: 'unparseable', field: 'resource' });
  });

  it('gives a resource without meta.versionId a content version and an unversioned reference', () => {
    const { meta: _meta, ...unversioned } = sr();
    const first = edgeOf([resourceItem('ServiceRequest', unversioned, patient)]).records[0]?.draft.source;
    const again = edgeOf([resourceItem('ServiceRequest', unversioned, patient)]).records[0]?.draft.source;
    expect(first).toMatchObject({ record_ref: 'ggz-altrecht:ServiceRequest/sr-20250114-0042', modified_at: null });
    expect(first?.version).toMatch(/^h:[0-9a-f]{16}$/);
    expect(again?.version).toBe(first?.version);
  });

  it('uses the partner id of the context everywhere', () => {
    const out = edgeOf([resourceItem('ServiceRequest', sr(), patient)], edgeContext({ partnerId: 'ggz-lister' }));
    expect(out.records[0]?.draft.source.record_ref).toBe('ggz-lister:ServiceRequest/sr-20250114-0042/_history/2');
    expect(out.records[0]?.draft.referral?.provider_partner_id).toBe('ggz-lister');
  });
});

describe('ggzEdge rejections', () => {
  it('stay within what the quarantine holds: field ≤ 200, expected ≤ 300 characters', () => {
    const tokens = Array.from({ length: 20 }, (_, i) => `urn:oid:2.16.840.1.113883.2.4.3.11.999.77.${i}|IPS-LOCAL-CODE-${i}`);
    const out = edgeOf([resourceItem('ServiceRequest', { ...sr(), code: { coding: [] } }, patient, tokens)]);
    expect(out.rejections[0]?.reason).toBe('unknown-code');
    expect(out.rejections[0]?.expected.length).toBeLessThanOrEqual(300);
  });
});
