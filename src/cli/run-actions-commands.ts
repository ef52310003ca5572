import type { Command } from 'commander';
import { backfill } from '../operations/backfill.js';
import { progressWriter } from '../operations/progress.js';
import { releaseQuarantine, replayRun, retryRun, waitForRun } from '../operations/run-actions.js';
import { runBalance } from '../pipeline/run-balance.js';
import type { SyncRun } from '../store/store.js';
import { handBackOnSignal, openRuntimeSession } from './runtime-session.js';

/**
 * `werkbrug retry|replay <run>`, `werkbrug backfill <partner>`, `werkbrug quarantine release`:
 * each starts runs, waits for them (workers in this process too, unless `--no-local-workers`, when
 * the deployment's workers do the work) and prints one line per run. Exit 1 when a run failed.
 */
export function runLine(run: SyncRun): string {
  const t = runBalance(run.streams).totals;
  return `${run.partnerId} ${run.runId} ${run.trigger} ${run.status}: read ${t.read}, stored ${t.stored}, unchanged ${t.unchanged}, quarantined ${t.quarantined}, refused ${t.refused}, pending ${t.pending}${run.errorMessage ? ` — ${run.errorMessage}` : ''}`;
}

interface SessionOptions {
  readonly config: string;
  readonly localWorkers: boolean;
}

async function withSession(options: SessionOptions, env: NodeJS.ProcessEnv, action: (session: Awaited<ReturnType<typeof openRuntimeSession>>) => Promise<number>, syncConcurrency?: number): Promise<number> {
  const session = await openRuntimeSession({ configFile: options.config, env, localWorkers: options.localWorkers, syncConcurrency });
  const removeHandlers = options.localWorkers ? handBackOnSignal(session) : () => undefined;
  try {
    return await action(session);
  } finally {
    removeHandlers();
    await session.close();
  }
}

export async function retryCommand(runId: string, options: SessionOptions, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return withSession(options, env, async ({ runtime, queues }) => {
    const next = await retryRun(runtime, queues, runId);
    out.write(`retrying ${runId} as ${next}\n`);
    const run = await waitForRun(runtime, queues, next);
    out.write(`${runLine(run)}\n`);
    return run.status === 'succeeded' ? 0 : 1;
  });
}

export async function replayCommand(runId: string, options: SessionOptions, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return withSession(options, env, async ({ runtime, queues }) => {
    const next = await replayRun(runtime, queues, runId);
    out.write(`replaying ${runId} as ${next}\n`);
    const run = await waitForRun(runtime, queues, next);
    out.write(`${runLine(run)}\n`);
    return run.status === 'succeeded' ? 0 : 1;
  });
}

export interface BackfillCommandOptions extends SessionOptions {
  readonly from: string;
  readonly to: string;
  readonly windowDays?: string;
  readonly parallel?: string;
}

export async function backfillCommand(partnerId: string, options: BackfillCommandOptions, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Promise<number> {
  const parallel = options.parallel === undefined ? undefined : /^\d{1,2}$/.test(options.parallel) ? Number(options.parallel) : Number.NaN;
  const windowDays = options.windowDays === undefined ? undefined : /^\d{1,3}$/.test(options.windowDays) ? Number(options.windowDays) : Number.NaN;
  return withSession(options, env, async ({ runtime, queues }) => {
    const progress = progressWriter(out);
    const result = await backfill(runtime, queues, partnerId, {
      from: options.from, to: options.to,
      ...(windowDays !== undefined ? { windowDays } : {}),
      ...(parallel !== undefined ? { parallel } : {}),
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    for (const run of result.runs) out.write(`${runLine(run)}\n`);
    const failed = result.runs.filter((r) => r.status !== 'succeeded');
    out.write(`back-fill ${result.backfillId}: ${result.windows.length} windows, ${result.runs.length - failed.length} succeeded, ${failed.length} failed${failed.length > 0 ? ' (werkbrug retry <run> resumes a failed window)' : ''}\n`);
    return failed.length === 0 ? 0 : 1;
  }, Math.max(4, Number.isInteger(parallel) ? Math.min(parallel ?? 0, 32) : 0));
}

export interface ReleaseCommandOptions extends SessionOptions {
  readonly reason?: string;
  readonly stream?: string;
  readonly ref?: readonly string[];
}

export async function quarantineReleaseCommand(partnerId: string, options: ReleaseCommandOptions, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return withSession(options, env, async ({ runtime, queues }) => {
    const result = await releaseQuarantine(runtime, queues, {
      partnerId, ...(options.reason ? { reason: options.reason } : {}), ...(options.stream ? { stream: options.stream } : {}), ...(options.ref && options.ref.length > 0 ? { sourceRefs: [...options.ref] } : {}),
    });
    if (result.runId === undefined) {
      out.write(`nothing released: no open quarantine item of ${partnerId} matches\n`);
      return 0;
    }
    out.write(`released ${result.released} quarantine item(s) of ${partnerId}; re-pulling them in ${result.runId}\n`);
    const run = await waitForRun(runtime, queues, result.runId);
    const still = await runtime.store.listQuarantine({ partnerId, runId: run.runId, open: true });
    out.write(`${runLine(run)}\n${still.length} item(s) quarantined again (see werkbrug quarantine list)\n`);
    return run.status === 'succeeded' ? 0 : 1;
  });
}

export function registerRunActionCommands(program: Command, defaultConfigFile: string, fail: (error: unknown) => never): void {
  const local = '--no-local-workers';
  const localHelp = 'only queue the work for the deployment\'s workers (default: also run workers in this process)';
  program.command('retry <run>')
    .description('Run a finished (usually failed) run again: same partner, streams and scope, continuing from where it stopped.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option(local, localHelp)
    .action(async (runId: string, o: SessionOptions) => { process.exitCode = await retryCommand(runId, o, process.env).catch(fail); });
  program.command('replay <run>')
    .description('Pull again exactly what a run covered (its cursor range per stream). Idempotent: unchanged data stores nothing.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option(local, localHelp)
    .action(async (runId: string, o: SessionOptions) => { process.exitCode = await replayCommand(runId, o, process.env).catch(fail); });
  program.command('backfill <partner>')
    .description('Pull a period again, split into windows processed in parallel, each on its own cursor; shows progress and an ETA.')
    .requiredOption('--from <date>', 'start of the period (2025-01-01 or an ISO instant), inclusive')
    .requiredOption('--to <date>', 'end of the period, exclusive')
    .option('--window-days <n>', 'days per window (default operations.backfill.windowDays)')
    .option('--parallel <n>', 'windows at a time (default operations.backfill.parallel)')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option(local, localHelp)
    .action(async (partnerId: string, o: BackfillCommandOptions) => { process.exitCode = await backfillCommand(partnerId, o, process.env).catch(fail); });
  const quarantine = program.commands.find((c) => c.name() === 'quarantine') ?? program.command('quarantine').description('Quarantined records.');
  quarantine.command('release <partner>')
    .description('After a connector fix: release quarantined records of a partner and pull them again.')
    .option('--reason <reason>', 'only items with this reason')
    .option('--stream <stream>', 'only items of this stream')
    .option('--ref <source-ref...>', 'only these source references')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option(local, localHelp)
    .action(async (partnerId: string, o: ReleaseCommandOptions) => { process.exitCode = await quarantineReleaseCommand(partnerId, o, process.env).catch(fail); });
}
