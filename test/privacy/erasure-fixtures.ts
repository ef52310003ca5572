import type { ConsentDocument } from '../../src/consent/consent-document.js';
import type { IngestBatch } from '../../src/pipeline/ingest-batch.js';
import type { DraftRecord } from '../../src/trajectory/trajectory-record.js';

/**
 * Pages from the edge for the erasure and retention tests: one ggz partner with its consent
 * stream, one gemeente partner. Fictional pseudonyms (ps1 format); no real person behind them.
 */
export const lotte = `ps1:mu-2025a:${'L'.repeat(42)}A`;
export const fatma = `ps1:mu-2025a:${'F'.repeat(42)}A`;
export const bystander = `ps1:mu-2025a:${'B'.repeat(42)}A`;

export const bothPurposes = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'] as const;
export const settingsAt = (now: string) => ({ purposes: bothPurposes, maxWaitDays: 30, now: new Date(now) });

export function trajectory(who: string, id: string, version: number, extra: { endDate?: string } = {}): DraftRecord {
  return {
    record_kind: 'trajectory', person: who,
    subject: { as_of: '2025-01-06', age_band: 'A45_54' },
    source: {
      partner_id: 'ggz-altrecht', record_ref: `ggz-altrecht:EpisodeOfCare/${id}/_history/${version}`, record_key: `ggz-altrecht:EpisodeOfCare/${id}`,
      version: String(version), modified_at: `2025-01-0${version}T08:00:00.000Z`,
    },
    trajectory: {
      programme: 'IPS', provider_partner_id: 'ggz-altrecht', funding_stream: 'GEM_IPS_SUBSIDIE', start_date: '2025-01-06',
      ...(extra.endDate ? { end_date: extra.endDate, end_code: 'END_WORK_SUSTAINED' as const } : {}),
    },
  };
}

export function benefit(who: string, id: string, extra: { endDate?: string } = {}): DraftRecord {
  return {
    record_kind: 'benefit', person: who,
    subject: { as_of: '2023-03-01', age_band: 'A45_54', gemeente_code: '0356', arbeidsmarktregio_code: 'AM13' },
    source: { partner_id: 'gem-utrecht', record_ref: `gem-utrecht:PWU/${id}/mut/10402`, record_key: `gem-utrecht:PWU/${id}`, version: '10402', modified_at: null },
    benefit: { benefit_type: 'PW_BIJSTAND', start_date: '2023-03-01', ...(extra.endDate ? { end_date: extra.endDate } : {}) },
  };
}

export interface ConsentSpec {
  readonly who: string;
  readonly id: string;
  readonly version: number;
  readonly status?: ConsentDocument['status'];
  readonly type?: 'permit' | 'deny';
  readonly recordedAt?: string;
  readonly purposes?: readonly (typeof bothPurposes)[number][];
  readonly periodStart?: string;
  readonly periodEnd?: string;
  readonly lastUpdated?: string;
}

export function consentDocument(spec: ConsentSpec): ConsentDocument {
  return {
    consentKey: `ggz-altrecht:Consent/${spec.id}`, consentRef: `ggz-altrecht:Consent/${spec.id}/_history/${spec.version}`, version: String(spec.version),
    person: spec.who, status: spec.status ?? 'active', recordedAt: spec.recordedAt ?? '2024-12-18T10:00:00Z', lastUpdated: spec.lastUpdated ?? `2024-12-1${spec.version}T10:02:37Z`,
    understood: true, regionAllowed: true, actionAllowed: true,
    provision: { type: spec.type ?? 'permit', purposes: [...(spec.purposes ?? bothPurposes)], periodStart: spec.periodStart ?? '2024-12-18', periodEnd: spec.periodEnd ?? '2026-12-17' },
    exceptions: [], form: 'written',
  };
}

export function consentDraft(spec: ConsentSpec): DraftRecord {
  const status = spec.status === 'inactive' ? 'withdrawn' : spec.status === 'rejected' || spec.type === 'deny' ? 'refused' : 'active';
  return {
    record_kind: 'consent', person: spec.who,
    subject: { as_of: '2024-12-18', age_band: 'UNKNOWN' },
    source: {
      partner_id: 'ggz-altrecht', record_ref: `ggz-altrecht:Consent/${spec.id}/_history/${spec.version}`, record_key: `ggz-altrecht:Consent/${spec.id}`,
      version: String(spec.version), modified_at: (spec.lastUpdated ?? `2024-12-1${spec.version}T10:02:37Z`).replace('Z', '.000Z'),
    },
    consent: {
      status, purposes: [...(spec.purposes ?? bothPurposes)], given_date: '2024-12-18', valid_until: spec.periodEnd ?? '2026-12-17', form: 'written',
      ...(status === 'withdrawn' ? { withdrawn_date: '2025-06-01' } : {}),
    },
  };
}

let pages = 0;

/** A page of one stream; a fresh batch id each time unless one is given (a replay keeps it). */
export function page(partnerId: 'ggz-altrecht' | 'gem-utrecht', stream: string, records: IngestBatch['records'], batchId?: string): IngestBatch {
  pages += 1;
  return {
    runId: 'r-erasure-1', partnerId, stream, batchId: batchId ?? `b1-r-erasure-1-${stream}-p${String(pages).padStart(5, '0')}`,
    connector: partnerId === 'gem-utrecht' ? 'gemeente-stuf@0.1.0' : 'ggz-fhir@0.1.0', mappingVersion: '2026.11',
    cursor: { page: pages }, read: records.length, absorbed: 0, consentReadable: true, records, rejections: [],
  };
}

/** A consent page carrying these versions (document and record). */
export function consentPage(...specs: ConsentSpec[]): IngestBatch {
  return page('ggz-altrecht', 'Consent', specs.map((spec) => ({ draft: consentDraft(spec), consentDocument: consentDocument(spec) })));
}
