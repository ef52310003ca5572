import type { Command } from 'commander';
import { z } from 'zod';
import { chooseFormat, parseLimit, refusedInput, requirePartner, type OutputFormat } from '../operations/operations-input.js';
import { formatRunDetail, formatRuns } from '../operations/run-history-format.js';
import { listRunHistory, runDetail, runsReportSchema } from '../operations/run-history.js';
import { formatStatus } from '../operations/status-format.js';
import { buildStatusReport } from '../operations/status-report.js';
import { statusReportSchema } from '../operations/status-schema.js';
import { defaultConfigFile, resolveIo, type CommandIo, inOperationsContext } from './operations-command-io.js';
import { openOperationsContext } from './operations-context.js';

/**
 * `werkbrug status` (operations at a glance) and `werkbrug runs [show <run>]` (the sync history).
 * They read the store and, for status, Redis; they need no pseudonymisation key and change
 * nothing. Exit codes are in docs/operations/status-and-history.md.
 */

export interface StatusOptions {
  readonly config: string;
  readonly format?: string;
  readonly jsonSchema?: boolean;
}

/**
 * Exit 0 when every active partner's latest run succeeded (or runs) and none is stale; 1 when one
 * needs attention; 2 on bad input. Redis unreachable is a warning on stderr and changes no exit
 * code: the store's part is still shown, the queue depths are said to be unknown.
 */
export async function statusCommand(options: StatusOptions, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, now, storeSchema } = resolveIo(io);
  if (options.jsonSchema === true) {
    write(`${JSON.stringify(z.toJSONSchema(statusReportSchema), null, 2)}\n`);
    return 0;
  }
  let format: OutputFormat;
  try {
    format = chooseFormat(options.format);
  } catch (error) {
    return refusedInput(error, writeError);
  }
  const context = await openOperationsContext({ configFile: options.config, env, queues: 'optional', ...(storeSchema ? { schema: storeSchema } : {}) });
  try {
    const report = await buildStatusReport({ ...context, now: now() });
    if (!report.queues.known) writeError(`werkbrug: warning: queue depths and held runs unknown: ${report.queues.problem ?? 'Redis could not be reached'}\n`);
    write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    return report.ok ? 0 : 1;
  } finally {
    await context.close();
  }
}

export interface RunsOptions {
  readonly config: string;
  readonly partner?: string;
  readonly failed?: boolean;
  readonly limit?: string;
  readonly format?: string;
  readonly jsonSchema?: boolean;
}

/** Exit 0 (also when no run matches); 2 on bad input (an unknown partner, format or limit). */
export async function runsCommand(options: RunsOptions, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, now, storeSchema } = resolveIo(io);
  if (options.jsonSchema === true) {
    write(`${JSON.stringify(z.toJSONSchema(runsReportSchema), null, 2)}\n`);
    return 0;
  }
  let format: OutputFormat;
  let limit: number;
  try {
    format = chooseFormat(options.format);
    limit = parseLimit(options.limit, 20, 1000);
  } catch (error) {
    return refusedInput(error, writeError);
  }
  return inOperationsContext(options.config, env, { writeError, storeSchema }, 'none', async (context) => {
    if (options.partner !== undefined) requirePartner(context.config, context.configFile, options.partner, '--partner');
    const report = await listRunHistory(context.store, { ...(options.partner !== undefined ? { partnerId: options.partner } : {}), failedOnly: options.failed === true, limit }, now());
    write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatRuns(report));
    return 0;
  });
}

/** Exit 0; 2 when the run is not stored or the format is unknown. */
export async function runShowCommand(runId: string, options: { config: string; format?: string }, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, now, storeSchema } = resolveIo(io);
  let format: OutputFormat;
  try {
    format = chooseFormat(options.format);
  } catch (error) {
    return refusedInput(error, writeError);
  }
  return inOperationsContext(options.config, env, { writeError, storeSchema }, 'none', async (context) => {
    const detail = await runDetail(context.store, runId, now());
    write(format === 'json' ? `${JSON.stringify(detail, null, 2)}\n` : formatRunDetail(detail));
    return 0;
  });
}

/** Registers `status`, `runs` and `runs show`; other errors reach main.ts's handler through parseAsync. */
export function registerStatusCommands(program: Command): void {
  program.command('status')
    .description('Operations at a glance: per partner and stream the last run and its result, the last successful sync, counts, failures, paused partners, held runs, next slots, queue depths and firing alerts. Exit 1 when an active partner\'s last run failed or it is stale.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--format <format>', 'table or json', 'table')
    .option('--json-schema', 'print the JSON Schema of --format json and exit')
    .action(async (options: StatusOptions) => {
      process.exitCode = await statusCommand(options, process.env);
    });
  const runs = program.command('runs')
    .description('The sync history, newest first: trigger, times, duration, status, counts per stream and the error of each run.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--partner <id>', 'only this partner')
    .option('--failed', 'only failed runs')
    .option('--limit <n>', 'at most this many runs (default 20)')
    .option('--format <format>', 'table or json', 'table')
    .option('--json-schema', 'print the JSON Schema of --format json and exit')
    .action(async (options: RunsOptions) => {
      process.exitCode = await runsCommand(options, process.env);
    });
  runs.command('show <run>')
    .description('One run in full: counts of every stream, coverage (streams, scope, the run it re-runs, slot), cursor range per stream, later re-runs.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--format <format>', 'table or json', 'table')
    // `runs` has the same options and commander gives it those typed after `show` too: the merged
    // view holds what was typed wherever it stood.
    .action(async (runId: string, _options: unknown, command: Command) => {
      process.exitCode = await runShowCommand(runId, command.optsWithGlobals<{ config: string; format?: string }>(), process.env);
    });
}
