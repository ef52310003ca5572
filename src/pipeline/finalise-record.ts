import { z } from 'zod';
import { contentHash } from '../stages/canonical-json.js';
import type { Purpose } from '../trajectory/codes.js';
import { trajectoryFormat, trajectoryRecordSchema, type DraftRecord, type TrajectoryRecord } from '../trajectory/trajectory-record.js';

/**
 * Normalise: a draft that passed the consent check becomes a stored record of the trajectory
 * format, with the purposes it was allowed for and its lineage (`trajectory-format.md` §4).
 * Throws a zod error only on a werkbrug bug: drafts are validated at the edge.
 */
export interface LineageInput {
  readonly ingestedAt: string;
  readonly connector: string;
  readonly mappingVersion: string;
  readonly batchId: string;
  readonly consentDecision?: string;
}

export function withoutLineage(draft: DraftRecord, purposes: readonly Purpose[] | undefined): Omit<TrajectoryRecord, 'lineage'> {
  const sorted = purposes && purposes.length > 0 ? [...purposes].sort() : undefined;
  return { format: trajectoryFormat, ...draft, ...(sorted ? { purposes: sorted } : {}) };
}

// Runs once per stored record: zod's compiled fast path gives the same result and issues.
const compiledRecordSchema = z.compile(trajectoryRecordSchema);

export function finaliseRecord(draft: DraftRecord, purposes: readonly Purpose[] | undefined, lineage: LineageInput): TrajectoryRecord {
  const body = withoutLineage(draft, purposes);
  const record = {
    ...body,
    lineage: {
      ingested_at: lineage.ingestedAt,
      connector: lineage.connector,
      mapping_version: lineage.mappingVersion,
      batch_id: lineage.batchId,
      content_hash: contentHash(body),
      ...(lineage.consentDecision ? { consent_decision: lineage.consentDecision } : {}),
    },
  };
  return compiledRecordSchema.parse(record);
}
