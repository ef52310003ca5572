import { z } from 'zod';
import type { EdgeContext, EdgeOutput, EdgeRecord, Rejection, SourcePage } from '@werkbrug/connector/connector.js';
import { draftRecordSchema } from '@werkbrug/trajectory/trajectory-record.js';
import { mapPlacement, recordKeyOf } from './mapping.js';
import { placementSchema, type PlacementItem } from './source-schema.js';

/**
 * `Connector.edge`: parse → validate → pseudonymise + minimise → draft, per item, pure. Every item
 * ends as exactly one draft or one rejection, so `read = drafts + rejections + absorbed` holds on
 * every page (the run balance). A rejection carries the reference, the field path and a reason,
 * never the value.
 */
const idOnly = z.looseObject({ id: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/) });

function referenceOf(record: unknown, context: EdgeContext): string {
  const parsed = idOnly.safeParse(record);
  return recordKeyOf(parsed.success ? parsed.data.id : 'unidentified', context);
}

function edgeItem(item: PlacementItem, context: EdgeContext): EdgeRecord | Rejection {
  const parsed = placementSchema.safeParse(item.record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'record';
    const missing = issue?.code === 'invalid_type' && issue.input === undefined;
    return { sourceRef: referenceOf(item.record, context), stage: 'parse', reason: missing ? 'required-missing' : 'invalid-value', field, expected: issue?.message ?? 'a placement' };
  }
  const mapped = mapPlacement(parsed.data, context);
  const sourceRef = `${recordKeyOf(parsed.data.id, context)}/_history/${parsed.data.version}`;
  if (!('record_kind' in mapped)) return { sourceRef, ...mapped };
  const checked = draftRecordSchema.safeParse(mapped);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { sourceRef, stage: 'map', reason: 'invalid-value', field: `draft.${issue?.path.join('.') ?? ''}`, expected: issue?.message ?? 'a valid trajectory record' };
  }
  return { draft: checked.data };
}

export function __nameCamel__Edge(page: SourcePage<PlacementItem>, context: EdgeContext): EdgeOutput {
  const records: EdgeRecord[] = [];
  const rejections: Rejection[] = [];
  for (const item of page.items) {
    const outcome = edgeItem(item, context);
    if ('draft' in outcome) records.push(outcome);
    else rejections.push(outcome);
  }
  return { records, rejections, absorbed: 0 };
}
