import { randomBytes } from 'node:crypto';
import type { QueueSet } from '../../jobs/queues.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { bindPartner, type Runtime } from '../pipeline/runtime.js';
import { runBalance } from '../pipeline/run-balance.js';
import type { RunScope } from '../store/operations-records.js';
import type { SyncRun } from '../store/store.js';
import { checkRunnable, startRun, waitForRun } from './run-actions.js';

/**
 * `werkbrug backfill <partner> --from --to` (issue 6): the period is split into windows of
 * `operations.backfill.windowDays`, each pulled by a run of its own (trigger `backfill`, scope
 * `window`) on cursors of its own, `parallel` at a time. A failed window does not stop the others;
 * `werkbrug retry <run>` resumes it where it stopped. Sources without time windows (StUF) are
 * pulled whole by the first window (`src/pipeline/run-scope.ts`).
 */
export interface BackfillWindow {
  readonly index: number;
  readonly from: string;
  readonly to: string;
}

export interface BackfillProgress {
  readonly windows: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  /** Records read so far by the windows' runs (finished and running). */
  readonly read: number;
  readonly startedAt: number;
}

export interface BackfillResult {
  readonly backfillId: string;
  readonly windows: readonly BackfillWindow[];
  readonly runs: readonly SyncRun[];
}

const dayMs = 86_400_000;

/** Splits [from, to) into windows of `windowDays` (the last one shorter). Pure. */
export function splitWindows(from: string, to: string, windowDays: number): BackfillWindow[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!Number.isFinite(start)) throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: '--from', expected: 'a date or instant (2025-01-01 or 2025-01-01T00:00:00Z)', got: from });
  if (!Number.isFinite(end)) throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: '--to', expected: 'a date or instant (2025-02-01 or 2025-02-01T00:00:00Z)', got: to });
  if (end <= start) throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: '--to', expected: 'a moment after --from', got: to });
  if (!Number.isInteger(windowDays) || windowDays < 1) throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: '--window-days', expected: 'a whole number of days, 1 or more', got: String(windowDays) });
  const windows: BackfillWindow[] = [];
  for (let at = start, index = 0; at < end; at += windowDays * dayMs, index += 1) {
    windows.push({ index, from: new Date(at).toISOString(), to: new Date(Math.min(at + windowDays * dayMs, end)).toISOString() });
  }
  return windows;
}

export interface BackfillOptions {
  readonly from: string;
  readonly to: string;
  readonly windowDays?: number;
  readonly parallel?: number;
  /** Called whenever a window starts or ends, and every `progressEveryMs` meanwhile. */
  readonly onProgress?: (progress: BackfillProgress) => void;
  readonly progressEveryMs?: number;
}

export async function backfill(runtime: Runtime, queues: Pick<QueueSet, 'sync' | 'events'>, partnerId: string, options: BackfillOptions): Promise<BackfillResult> {
  const binding = bindPartner(runtime, partnerId);
  await checkRunnable(runtime, partnerId);
  const settings = runtime.config.operations.backfill;
  const windows = splitWindows(options.from, options.to, options.windowDays ?? settings.windowDays);
  const asked = options.parallel ?? settings.parallel;
  if (!Number.isInteger(asked) || asked < 1 || asked > 32) throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: '--parallel', expected: 'a whole number of windows at a time, 1 to 32', got: String(options.parallel) });
  // A per-person source (UWV) allows so many questions a second per afnemer: its windows run one
  // at a time, so the connector's pace holds for the back-fill as a whole.
  const parallel = binding.connector.asksPerPerson ? 1 : asked;
  const backfillId = `bf-${randomBytes(4).toString('hex')}`;
  const startedAt = Date.now();
  const runIds = new Map<number, string>();
  const finished = new Map<number, SyncRun>();
  const readOf = async (): Promise<number> => {
    let read = 0;
    for (const [index, runId] of runIds) {
      const run = finished.get(index) ?? (await runtime.store.getRun(runId));
      if (run) read += runBalance(run.streams).totals.read;
    }
    return read;
  };
  const report = async (): Promise<void> => {
    if (!options.onProgress) return;
    const failed = [...finished.values()].filter((r) => r.status === 'failed').length;
    options.onProgress({ windows: windows.length, done: finished.size, failed, running: runIds.size - finished.size, read: await readOf(), startedAt });
  };
  const ticker = options.onProgress ? setInterval(() => void report().catch(() => undefined), options.progressEveryMs ?? 1000) : undefined;
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < windows.length) {
        const window = windows[next];
        next += 1;
        if (!window) continue;
        const scope: RunScope = { kind: 'window', key: `${backfillId}-w${String(window.index).padStart(3, '0')}`, backfillId, from: window.from, to: window.to, index: window.index, count: windows.length };
        const runId = await startRun(runtime, queues, partnerId, 'backfill', { scope });
        runIds.set(window.index, runId);
        await report();
        finished.set(window.index, await waitForRun(runtime, queues, runId));
        await report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, windows.length) }, lane));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return { backfillId, windows, runs: windows.map((w) => finished.get(w.index)).filter((r): r is SyncRun => r !== undefined) };
}
