import { randomBytes } from 'node:crypto';
import type { Job, Queue, QueueEvents } from 'bullmq';
import { z } from 'zod';
import type { EdgeContext, PersonQuestion, PullContext } from '../src/connector/connector.js';
import { bindPartner, partnerHttp, type Runtime } from '../src/pipeline/runtime.js';
import type { IngestBatch } from '../src/pipeline/ingest-batch.js';
import { buildWorklist } from '../src/pipeline/worklist.js';
import { withPersonPrevious } from '../src/privacy/key-rotation-edge.js';
import { errorFields } from '../src/logging/logger.js';
import { HandBack, noJobControl, type JobControl } from '../src/pipeline/job-control.js';
import { asJobError, queueNames } from './queues.js';

/**
 * Queue `pull`: one job per stream per run. It reads the stream's cursor from the store (the store,
 * not Redis, is the source of truth), pulls pages from the partner, runs the edge on each page —
 * parse, validate, pseudonymise, minimise — so nothing identifying reaches Redis, and hands each
 * page to `ingest`. The next page is enqueued only after the previous one committed; one page may
 * be fetched ahead meanwhile. A retried pull starts again from the stored cursor.
 */
export const pullQueue = queueNames.pull;
export const pullJobSchema = z.strictObject({
  runId: z.string().min(1).max(80),
  partnerId: z.string().min(1).max(40),
  stream: z.string().min(1).max(60),
  consentReadable: z.boolean(),
  /** A replay, back-fill window or release (jobs/sync.ts works it out from the run's scope). */
  scope: z.strictObject({
    /** The cursors row this pull reads and advances: `<stream>@<scope key>`, never the stream's own. */
    cursorKey: z.string().min(1).max(140),
    /** Where to start when `cursorKey` has no cursor stored yet; null: from the beginning. */
    start: z.record(z.string(), z.unknown()).nullable(),
    /** Stop at this cursor (PullContext.until); absent: up to now. */
    until: z.record(z.string(), z.unknown()).optional(),
    /** Per-person sources: ask about this period only (ISO dates, inclusive). */
    period: z.strictObject({ from: z.iso.date(), to: z.iso.date() }).optional(),
  }).optional(),
});
export type PullJobData = z.infer<typeof pullJobSchema>;

export interface PullResult {
  readonly pages: number;
  readonly read: number;
}

/**
 * `b1-<run>-<stream>-<pass>-p<page>`: no ':' (BullMQ job ids). `pass` is new for every run of the
 * processor: a job handed to another worker after a crash (stalled) keeps its `attemptsMade`, so an
 * attempt number would give its pages the ids of pages already committed, and they would be skipped.
 */
export function batchIdOf(runId: string, stream: string, pass: string, page: number): string {
  return `b1-${runId}-${stream.replace(/[^A-Za-z0-9_-]/g, '_')}-${pass}-p${String(page).padStart(5, '0')}`;
}

const alertCounts: ReadonlySet<string> = new Set(['bsn-mismatch', 'refused-by-uwv', 'request-rejected', 'failed']);

/** The pseudonym after which a retried per-person pull of the same run resumes, if any. */
export function resumePoint(cursor: Readonly<Record<string, unknown>> | undefined, runId: string): string | undefined {
  return cursor?.runId === runId && typeof cursor.afterPseudonym === 'string' ? cursor.afterPseudonym : undefined;
}

/**
 * Where a per-person pull stands: one item per person, in the order given, so the persons done
 * are the first `done` of the list; the last one's pseudonym (never a BSN) is where a retry of
 * the same run resumes.
 */
export function progressOf(context: PullContext, done: number, runId: string): { runId: string; afterPseudonym?: string } {
  const last = done > 0 ? context.persons?.[Math.min(done, context.persons.length) - 1]?.pseudonym : undefined;
  return { runId, ...(last !== undefined ? { afterPseudonym: last } : {}) };
}

function mergeCounts(...parts: (Readonly<Record<string, number>> | undefined)[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const part of parts) for (const [key, n] of Object.entries(part ?? {})) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

/** The persons of a scoped (back-fill window) pull: those whose period overlaps it, asked about the overlap only. */
export function narrowPersons(persons: readonly PersonQuestion[], period: { from: string; to: string } | undefined): PersonQuestion[] {
  if (period === undefined) return [...persons];
  return persons.flatMap((p) => {
    const from = p.period.from > period.from ? p.period.from : period.from;
    const to = p.period.to < period.to ? p.period.to : period.to;
    return from <= to ? [{ ...p, period: { from, to } }] : [];
  });
}

export function pullProcessor(runtime: Runtime, ingest: Queue, ingestEvents: QueueEvents, control: JobControl = noJobControl) {
  return async (job: Job<unknown>): Promise<PullResult> => {
    const data = pullJobSchema.parse(job.data);
    const holdMs = runtime.config.operations.holdSeconds * 1000;
    // A paused partner's queued pulls wait, like its runs (jobs/sync.ts).
    if (await runtime.store.operations.isPartnerPaused(data.partnerId)) throw new HandBack('paused', holdMs);
    const binding = bindPartner(runtime, data.partnerId);
    const log = runtime.logger.child({ queue: pullQueue, jobId: job.id, run: data.runId, partner: data.partnerId, connector: binding.connector.id, stream: data.stream });
    const context: EdgeContext = {
      partnerId: data.partnerId,
      regionCode: runtime.config.region.code,
      pseudonymiser: runtime.pseudonymiser,
      keepBirthYear: runtime.config.purposes.includes('P_WETENSCHAP'),
      regionOfGemeente: runtime.reference.regionOfGemeente,
      gemeenteCodeOfName: runtime.reference.gemeenteCodeOfName,
    };
    const pass = randomBytes(3).toString('hex');
    let pages = 0;
    let read = 0;
    let previous: Promise<unknown> | undefined;
    try {
      const http = partnerHttp(runtime, binding, log);
      // A scoped pull (replay, back-fill window, release) reads and advances a cursor of its own.
      const cursorKey = data.scope?.cursorKey ?? data.stream;
      const cursor = (await runtime.store.getCursor(data.partnerId, cursorKey)) ?? data.scope?.start ?? undefined;
      await runtime.store.operations.recordCursorFrom(data.runId, data.stream, cursor);
      // A per-person source gets its worklist, built here in memory and dropped with this job.
      let pullContext: PullContext = data.scope?.until ? { until: data.scope.until } : {};
      let worklistCounts: Readonly<Record<string, number>> | undefined;
      // A retried pull of the same run — or a `werkbrug retry` of the run — resumes after the last
      // person whose page was stored, so nobody is asked twice (every question is logged at the
      // partner) and nothing is counted twice.
      let resumeAfter = resumePoint(cursor, data.runId);
      if (binding.connector.asksPerPerson && resumeAfter === undefined) {
        const retried = (await runtime.store.operations.runCoverage(data.runId))?.sourceRunId;
        if (retried !== undefined) resumeAfter = resumePoint(cursor, retried);
      }
      if (binding.connector.asksPerPerson) {
        const worklist = await buildWorklist(runtime, data.partnerId, log);
        const persons = narrowPersons(worklist.persons, data.scope?.period);
        pullContext = { ...pullContext, persons: resumeAfter === undefined ? persons : persons.filter((p) => p.pseudonym > resumeAfter) };
        worklistCounts = resumeAfter === undefined ? worklist.counts : undefined;
        if (resumeAfter !== undefined) log.info({ remaining: pullContext.persons?.length ?? 0 }, 'per-person pull resumed after the last stored page');
      }
      let personsDone = 0;
      for await (const page of binding.connector.pull(binding.settings, data.stream, cursor, http, pullContext)) {
        // Between pages is the safe point: the page in hand is dropped (its cursor is not saved),
        // the page before it is stored first, and the job goes back to the queue to resume.
        if (control.signal.aborted || (pages > 0 && (await runtime.store.operations.isPartnerPaused(data.partnerId)))) {
          await previous;
          const why = control.signal.aborted ? 'shutdown' : 'paused';
          log.info({ pages, why }, 'stream pull handed back');
          throw new HandBack(why, why === 'paused' ? holdMs : 0);
        }
        // One remembering pseudonymiser per page: during a key rotation window it pairs every new
        // pseudonym with the previous one (pseudonyms only), and the pairs go with this page alone.
        const pagePseudonymiser = runtime.pseudonymiser.remembering();
        const edge = binding.connector.edge(page, { ...context, pseudonymiser: pagePseudonymiser });
        const edgeRecords = withPersonPrevious(edge.records, pagePseudonymiser.previousPseudonyms());
        pages += 1;
        read += page.read;
        if (binding.connector.asksPerPerson) personsDone += page.items.length;
        const batch: IngestBatch = {
          runId: data.runId,
          partnerId: data.partnerId,
          stream: data.stream,
          batchId: batchIdOf(data.runId, data.stream, pass, pages),
          connector: `${binding.connector.id}@${binding.connector.version}`,
          mappingVersion: binding.connector.mappingVersion,
          cursor: binding.connector.asksPerPerson ? { ...page.cursor, ...progressOf(pullContext, personsDone, data.runId) } : { ...page.cursor },
          ...(data.scope ? { cursorKey } : {}),
          read: page.read,
          absorbed: page.absorbed + edge.absorbed,
          consentReadable: data.consentReadable,
          records: edgeRecords.map((r) => ({ draft: r.draft, ...(r.consentDocument ? { consentDocument: r.consentDocument } : {}) })),
          rejections: edge.rejections.map((r) => ({ ...r })),
          ...(edge.snapshots ? { snapshots: edge.snapshots.map((snapshot) => ({ ...snapshot, period: { ...snapshot.period }, recordKeys: [...snapshot.recordKeys] })) } : {}),
          ...(edge.personCounts || (worklistCounts && pages === 1) ? { personCounts: mergeCounts(pages === 1 ? worklistCounts : undefined, edge.personCounts) } : {}),
        };
        // The previous page must be committed before this one is enqueued (cursor order).
        await previous;
        const ingestJob = await ingest.add('page', batch, { jobId: batch.batchId });
        previous = ingestJob.waitUntilFinished(ingestEvents);
        // Handled here so a failure while the next page is fetched is not an unhandled rejection;
        // it is still thrown where `previous` is awaited.
        previous.catch(() => undefined);
        log.debug({ page: pages, read: page.read, rejected: edge.rejections.length }, 'page pulled');
        // Answers about another person than asked, and refusals for lack of authorisation, are
        // for operations to chase (uwv-suwinet.md §6, U03; §1.6): counts only, never who.
        const alerts = Object.fromEntries(Object.entries(edge.personCounts ?? {}).filter(([key, n]) => n > 0 && alertCounts.has(key)));
        if (Object.keys(alerts).length > 0) log.warn({ page: pages, ...alerts }, 'partner answers need attention');
        // FHIR `search.mode = outcome` entries: warnings of the partner, logged by issue code only.
        if (page.outcomeIssues && page.outcomeIssues.length > 0) log.info({ page: pages, issues: page.outcomeIssues }, 'partner sent outcome issues');
        if (page.last) break;
      }
      await previous;
      log.info({ pages, read }, 'stream pulled');
      return { pages, read };
    } catch (error) {
      await previous?.catch(() => undefined);
      if (error instanceof HandBack) throw error;
      log.warn({ ...errorFields(error), pages, attempt: job.attemptsMade + 1 }, 'stream pull failed');
      throw asJobError(error);
    }
  };
}
