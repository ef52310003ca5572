import { contentHash } from '../../src/stages/canonical-json.js';
import { decideUpsert, type UpsertDecision } from '../../src/stages/upsert-decision.js';
import type { ConsentLogContent, RecordWrite, Store } from '../../src/store/store.js';
import { trajectoryFormat, trajectoryRecordSchema, type TrajectoryRecord } from '../../src/trajectory/trajectory-record.js';

/** Fictional pseudonyms (ps1 format); no real person behind any of them. */
export const personA = `ps1:mu-2025a:${'A'.repeat(42)}A`;
export const personB = `ps1:mu-2025a:${'B'.repeat(42)}A`;

export interface RecordSpec {
  readonly partner?: string;
  readonly id: string;
  readonly version: string;
  readonly modifiedAt?: string | null;
  readonly mappingVersion?: string;
  readonly status?: 'open' | 'started' | 'not_started';
  readonly deleted?: boolean;
  readonly person?: string;
  readonly batchId?: string;
}

/** A referral record of the trajectory format, valid against its schema. */
export function referral(spec: RecordSpec): TrajectoryRecord {
  const partner = spec.partner ?? 'ggz-altrecht';
  const body = {
    format: trajectoryFormat,
    record_kind: 'referral' as const,
    ...(spec.deleted ? {} : { person: spec.person ?? personA, subject: { as_of: '2025-03-01', age_band: 'A27_34' as const } }),
    source: {
      partner_id: partner,
      record_ref: `${partner}:ServiceRequest/${spec.id}/_history/${spec.version}`,
      record_key: `${partner}:ServiceRequest/${spec.id}`,
      version: spec.version,
      modified_at: spec.modifiedAt === undefined ? '2025-03-01T10:00:00Z' : spec.modifiedAt,
      ...(spec.deleted ? { deleted: true } : {}),
    },
    ...(spec.deleted ? {} : {
      referral: { programme: 'IPS' as const, referral_date: '2025-03-01', referred_by: 'ggz_treatment_team' as const, status: spec.status ?? 'open' },
      purposes: ['P_MONITOR_REGIO' as const],
    }),
  };
  return trajectoryRecordSchema.parse({
    ...body,
    lineage: {
      ingested_at: '2025-03-02T08:00:00Z',
      connector: 'ggz-fhir@1.0.0',
      mapping_version: spec.mappingVersion ?? 'm1',
      batch_id: spec.batchId ?? 'batch-0001',
      content_hash: contentHash(body),
    },
  });
}

export type Tally = Partial<Record<UpsertDecision, number>>;

/**
 * A minimal ingest for store tests: decide every record against the stored row under the stream
 * lock and apply the writes, all in one transaction (what the pipeline does with consent on top).
 */
export async function ingest(store: Store, records: readonly TrajectoryRecord[], runId = 'run-test'): Promise<Tally> {
  return store.transaction(async (tx) => {
    const partner = records[0]?.source.partner_id ?? 'ggz-altrecht';
    await tx.lockStream(partner, 'referrals');
    const states = await tx.loadRowStates(partner, records.map((r) => r.source.record_key));
    const tally: Tally = {};
    const writes: RecordWrite[] = [];
    for (const record of records) {
      const decision = decideUpsert({
        version: record.source.version,
        mappingVersion: record.lineage.mapping_version,
        modifiedAt: record.source.modified_at ?? null,
        contentHash: record.lineage.content_hash,
        deleted: record.source.deleted === true,
      }, states.get(record.source.record_key));
      tally[decision] = (tally[decision] ?? 0) + 1;
      if (decision === 'insert' || decision === 'replace') writes.push({ op: decision, record, runId });
      if (decision === 'noop') writes.push({ op: 'touch', partnerId: partner, recordKey: record.source.record_key });
      if (decision === 'remove') {
        writes.push({ op: 'remove', partnerId: partner, recordKey: record.source.record_key, recordRef: record.source.record_ref, reason: 'source-deleted', runId });
      }
    }
    await tx.applyWrites(writes);
    return tally;
  });
}

/** A consent-log decision entry: codes, references and a pseudonym only. */
export function decisionEntry(n: number, person = personA): ConsentLogContent {
  return {
    kind: 'decision',
    at: `2025-03-02T08:00:${String(n % 60).padStart(2, '0')}Z`,
    partnerId: 'ggz-altrecht',
    person,
    recordRef: `ggz-altrecht:ServiceRequest/${n}/_history/1`,
    outcome: 'permit',
    purposes: [{ purpose: 'P_MONITOR_REGIO', outcome: 'permit', rule: 'R4', consentRef: 'ggz-altrecht:Consent/7/_history/1' }],
    runId: 'run-test',
    batchId: 'batch-0001',
  };
}
