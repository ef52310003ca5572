import { describe, expect, it } from 'vitest';
import { finaliseRecord } from '../../src/pipeline/finalise-record.js';
import { canonicalJson, contentHash } from '../../src/stages/canonical-json.js';
import type { DraftRecord } from '../../src/trajectory/trajectory-record.js';
import { trajectorySchemaValidator } from '../support/trajectory-schema.js';

const validate = trajectorySchemaValidator();

const person = 'ps1:demo-2025a:XuMQoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
const lineage = { ingestedAt: '2025-06-02T07:00:00.000Z', connector: 'ggz-fhir@0.1.0', mappingVersion: '2026.11', batchId: 'b1-r20250602T070000Z-ggz-altrecht-0001', consentDecision: `cl1:${'a'.repeat(64)}` };
const trajectory: DraftRecord = {
  record_kind: 'trajectory', person,
  subject: { as_of: '2025-02-03', age_band: 'A27_34', gemeente_code: '0344', arbeidsmarktregio_code: 'AM13' },
  source: { partner_id: 'ggz-altrecht', record_ref: 'ggz-altrecht:EpisodeOfCare/eoc-ips-0001/_history/5', record_key: 'ggz-altrecht:EpisodeOfCare/eoc-ips-0001', version: '5', modified_at: '2025-06-02T08:03:55.090Z' },
  trajectory: { programme: 'IPS', provider_partner_id: 'ggz-altrecht', funding_stream: 'GEM_IPS_SUBSIDIE', start_date: '2025-02-03', events: [{ code: 'EMPLOYER_CONTACT_FIRST', date: '2025-02-20' }] },
};

describe('a normalised record', () => {
  it('meets the published JSON Schema of the trajectory format', () => {
    const record = finaliseRecord(trajectory, ['P_VERANTWOORDING_COFIN', 'P_MONITOR_REGIO'], lineage);
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    expect(record.purposes).toEqual(['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN']);
  });

  it('carries a content hash over everything but lineage', () => {
    const record = finaliseRecord(trajectory, ['P_MONITOR_REGIO'], lineage);
    const again = finaliseRecord(trajectory, ['P_MONITOR_REGIO'], { ...lineage, batchId: 'b1-another-batch-0002', ingestedAt: '2026-01-01T00:00:00Z' });
    expect(record.lineage.content_hash).toBe(again.lineage.content_hash);
    expect(record.lineage.content_hash).toBe(contentHash(record));
  });

  it('is refused by the schema when a field outside the contract sneaks in', () => {
    const record = { ...finaliseRecord(trajectory, ['P_MONITOR_REGIO'], lineage), name: 'Sanne de Vries' };
    expect(validate(record)).toBe(false);
  });

  it('lets a tombstone leave out person, subject and purposes', () => {
    const tombstone = finaliseRecord({ record_kind: 'referral', source: { partner_id: 'ggz-altrecht', record_ref: 'ggz-altrecht:ServiceRequest/sr-1/_history/3', record_key: 'ggz-altrecht:ServiceRequest/sr-1', version: '3', modified_at: null, deleted: true } }, undefined, { ...lineage, consentDecision: undefined });
    expect(validate(tombstone), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"d":{"y":2,"z":1}}');
  });
});
