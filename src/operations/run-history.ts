import { z } from 'zod';
import type { Store, SyncRun } from '../store/store.js';
import { emptyRunCounts } from '../store/store.js';
import { operationsInputError } from './operations-input.js';
import { runHead } from './status-report.js';
import { countsSchema, runHeadSchema } from './status-schema.js';

/**
 * The sync history (`werkbrug runs`) and one run in full (`werkbrug runs show <run>`), as stable
 * JSON contracts (`werkbrug.runs/1`, `werkbrug.run/1`; fields are only added) and as the data the
 * table is printed from. Codes, ids, counts and cursors only.
 */
export const runsSchemaId = 'werkbrug.runs/1';
export const runSchemaId = 'werkbrug.run/1';

const scopeSchema = z.object({
  kind: z.enum(['replay', 'window', 'release']),
  key: z.string().describe('Names the scope\'s own cursors (`<stream>@<key>`).'),
}).catchall(z.unknown()).describe('replay: `of` (the run replayed); window: `backfillId`, `from`, `to`, `index`, `count`; release: `from` (cursors per stream).');

export const runEntrySchema = runHeadSchema.extend({
  partnerId: z.string(),
  sourceRunId: z.string().nullable().describe('The run this one retries, replays or releases.'),
  onlyStreams: z.array(z.string()).nullable().describe('Only these streams; null: all of the partner\'s.'),
  scope: scopeSchema.nullable(),
  slot: z.string().nullable().describe('The schedule slot that started the run.'),
  totals: countsSchema.omit({ personCounts: true }).describe('The counters summed over the streams.'),
  streams: z.record(z.string(), countsSchema),
});
export type RunEntry = z.infer<typeof runEntrySchema>;

export const runsReportSchema = z.object({
  schema: z.literal(runsSchemaId),
  generatedAt: z.string(),
  filter: z.object({ partnerId: z.string().nullable(), failedOnly: z.boolean(), limit: z.number().int() }),
  runs: z.array(runEntrySchema).describe('Newest first.'),
});
export type RunsReport = z.infer<typeof runsReportSchema>;

const cursorSchema = z.record(z.string(), z.unknown()).nullable();

export const runDetailSchema = z.object({
  schema: z.literal(runSchemaId),
  generatedAt: z.string(),
  run: runEntrySchema.extend({
    cursorRanges: z.record(z.string(), z.object({
      from: cursorSchema.describe('The cursor the stream\'s pull started from; null: from the beginning.'),
      to: cursorSchema.describe('The cursor after the last stored page; null: no page stored.'),
    })),
    rerunBy: z.array(z.object({ runId: z.string(), trigger: z.string(), status: z.enum(['running', 'succeeded', 'failed']), startedAt: z.string() }))
      .describe('Later runs that retried, replayed or released this one.'),
  }),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export function runEntry(run: SyncRun): RunEntry {
  const totals = emptyRunCounts();
  for (const counts of Object.values(run.streams)) for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
  return {
    ...runHead(run),
    partnerId: run.partnerId,
    sourceRunId: run.sourceRunId ?? null,
    onlyStreams: run.onlyStreams ? [...run.onlyStreams] : null,
    scope: run.scope ? { ...run.scope } : null,
    slot: run.slot ?? null,
    totals,
    streams: Object.fromEntries(Object.entries(run.streams).map(([stream, counts]) => [stream, { ...counts, personCounts: { ...counts.personCounts } }])),
  };
}

export async function listRunHistory(store: Store, filter: { partnerId?: string; failedOnly: boolean; limit: number }, now: Date): Promise<RunsReport> {
  const runs = await store.listRuns({ ...(filter.partnerId !== undefined ? { partnerId: filter.partnerId } : {}), failedOnly: filter.failedOnly, limit: filter.limit });
  return runsReportSchema.parse({
    schema: runsSchemaId, generatedAt: now.toISOString(),
    filter: { partnerId: filter.partnerId ?? null, failedOnly: filter.failedOnly, limit: filter.limit },
    runs: runs.map(runEntry),
  });
}

/** One run in full; refuses (`WB_OPERATIONS_INPUT_INVALID`) a run id that is not stored. */
export async function runDetail(store: Store, runId: string, now: Date): Promise<RunDetail> {
  const run = /^[A-Za-z0-9._:@#-]{1,80}$/.test(runId) ? await store.getRun(runId) : undefined;
  if (run === undefined) throw operationsInputError('run', 'the id of a stored run, as `werkbrug runs` lists them', JSON.stringify(runId.slice(0, 80)));
  return runDetailSchema.parse({
    schema: runSchemaId, generatedAt: now.toISOString(),
    run: { ...runEntry(run), cursorRanges: await store.operations.runCursorRanges(runId), rerunBy: await store.operations.runsRerunning(runId) },
  });
}
