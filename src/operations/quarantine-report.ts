import { z } from 'zod';
import type { Store, QuarantineItem } from '../store/store.js';
import { quarantineReasons } from '../trajectory/codes.js';
import { operationsInputError } from './operations-input.js';
import { runHead } from './status-report.js';
import { runHeadSchema } from './status-schema.js';

/**
 * `werkbrug quarantine list` and `quarantine show`: the records that could not be read or mapped
 * (brief, invariant 5), by partner and reason, as stable JSON (`werkbrug.quarantine/1`,
 * `werkbrug.quarantine-item/1`; fields are only added). The store keeps a source reference, a
 * field path, a reason and what was expected, never a value, so nothing here can show one.
 */
export const quarantineListSchemaId = 'werkbrug.quarantine/1';
export const quarantineItemSchemaId = 'werkbrug.quarantine-item/1';

export const quarantineEntrySchema = z.object({
  partnerId: z.string(),
  stream: z.string(),
  sourceRef: z.string().describe('The partner\'s reference of the record (no personal data).'),
  stage: z.enum(['parse', 'validate', 'pseudonymise', 'map']).describe('Where it was stopped.'),
  reason: z.string().describe('A quarantine reason of partners/README.md §2.7.'),
  field: z.string().describe('The field path in the partner\'s record.'),
  expected: z.string().describe('What the field should have held.'),
  occurrences: z.number().int().describe('How often it was read and quarantined again.'),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  firstRunId: z.string(),
  lastRunId: z.string(),
  batchId: z.string().describe('The batch (queue job) that last quarantined it.'),
  released: z.boolean().describe('Released by `werkbrug quarantine release` for a re-pull (and not quarantined again since).'),
  releasedAt: z.string().nullable(),
  releaseRunId: z.string().nullable(),
});
export type QuarantineEntry = z.infer<typeof quarantineEntrySchema>;

export const quarantineListSchema = z.object({
  schema: z.literal(quarantineListSchemaId),
  generatedAt: z.string(),
  filter: z.object({ partnerId: z.string().nullable(), reason: z.string().nullable(), all: z.boolean().describe('Released items too.'), limit: z.number().int() }),
  counts: z.array(z.object({
    partnerId: z.string(), reason: z.string(), items: z.number().int(), open: z.number().int(), occurrences: z.number().int(),
  })).describe('Per partner and reason, of the items the filter selects.'),
  total: z.number().int().describe('Items the filter selects; `items` holds at most `filter.limit`, last seen first.'),
  items: z.array(quarantineEntrySchema),
});
export type QuarantineList = z.infer<typeof quarantineListSchema>;

export const quarantineItemReportSchema = z.object({
  schema: z.literal(quarantineItemSchemaId),
  generatedAt: z.string(),
  partnerId: z.string(),
  sourceRef: z.string(),
  items: z.array(quarantineEntrySchema).describe('One per reason and field the record was quarantined for.'),
  runs: z.array(runHeadSchema.extend({ role: z.array(z.enum(['first-seen', 'last-seen', 'release'])) })).describe('The runs that first and last quarantined it, and its release runs.'),
});
export type QuarantineItemReport = z.infer<typeof quarantineItemReportSchema>;

export function quarantineEntry(item: QuarantineItem): QuarantineEntry {
  return {
    partnerId: item.partnerId, stream: item.stream, sourceRef: item.sourceRef, stage: item.stage, reason: item.reason, field: item.field,
    expected: item.expected, occurrences: item.occurrences, firstSeenAt: item.firstSeenAt, lastSeenAt: item.lastSeenAt,
    firstRunId: item.firstRunId, lastRunId: item.runId, batchId: item.batchId, released: item.releasedAt !== null,
    releasedAt: item.releasedAt, releaseRunId: item.releaseRunId,
  };
}

/** Refuses a reason outside the shared vocabulary, listing it. */
export function checkQuarantineReason(reason: string | undefined): string | undefined {
  if (reason === undefined || (quarantineReasons as readonly string[]).includes(reason)) return reason;
  throw operationsInputError('--reason', `a quarantine reason: ${quarantineReasons.join(', ')}`, JSON.stringify(reason.slice(0, 40)));
}

export async function listQuarantined(store: Store, filter: { partnerId?: string; reason?: string; all: boolean; limit: number }, now: Date): Promise<QuarantineList> {
  const selection = { ...(filter.partnerId !== undefined ? { partnerId: filter.partnerId } : {}), ...(filter.reason !== undefined ? { reason: filter.reason } : {}), open: !filter.all };
  const counts = await store.operations.quarantineCounts(selection);
  const items = await store.listQuarantine({ ...selection, limit: filter.limit });
  return quarantineListSchema.parse({
    schema: quarantineListSchemaId, generatedAt: now.toISOString(),
    filter: { partnerId: filter.partnerId ?? null, reason: filter.reason ?? null, all: filter.all, limit: filter.limit },
    counts: counts.map((c) => ({ ...c })),
    total: counts.reduce((sum, c) => sum + c.items, 0),
    items: items.map(quarantineEntry),
  });
}

/** Everything stored about one quarantined record; refuses a reference with nothing quarantined. */
export async function showQuarantined(store: Store, partnerId: string, sourceRef: string, now: Date): Promise<QuarantineItemReport> {
  // References start with the partner id (`ggz-altrecht:EpisodeOfCare/…`); it may be left out.
  const ref = sourceRef.startsWith(`${partnerId}:`) ? sourceRef : `${partnerId}:${sourceRef}`;
  let items = sourceRef.length <= 300 ? await store.operations.quarantineItemsOf(partnerId, sourceRef) : [];
  if (items.length === 0 && ref !== sourceRef && ref.length <= 300) items = await store.operations.quarantineItemsOf(partnerId, ref);
  if (items.length === 0) {
    throw operationsInputError('source-ref', `the reference of a quarantined record of ${partnerId}, as \`werkbrug quarantine list --partner ${partnerId}\` shows it`, JSON.stringify(sourceRef.slice(0, 80)));
  }
  const roles = new Map<string, Set<'first-seen' | 'last-seen' | 'release'>>();
  const add = (runId: string | null, role: 'first-seen' | 'last-seen' | 'release'): void => {
    if (runId !== null) roles.set(runId, (roles.get(runId) ?? new Set()).add(role));
  };
  for (const item of items) {
    add(item.firstRunId, 'first-seen');
    add(item.runId, 'last-seen');
    add(item.releaseRunId, 'release');
  }
  const runs = [];
  for (const [runId, role] of roles) {
    const run = await store.getRun(runId);
    if (run) runs.push({ ...runHead(run), role: [...role] });
  }
  runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return quarantineItemReportSchema.parse({
    schema: quarantineItemSchemaId, generatedAt: now.toISOString(), partnerId, sourceRef: items[0]?.sourceRef ?? sourceRef, items: items.map(quarantineEntry), runs,
  });
}
