import type { Command } from 'commander';
import { chooseFormat, parseLimit, refusedInput, requirePartner } from '../operations/operations-input.js';
import { formatQuarantineItem, formatQuarantineList } from '../operations/quarantine-format.js';
import { checkQuarantineReason, listQuarantined, showQuarantined } from '../operations/quarantine-report.js';
import { defaultConfigFile, resolveIo, type CommandIo, inOperationsContext } from './operations-command-io.js';

/**
 * `werkbrug quarantine list` and `werkbrug quarantine show`: read-only views of the quarantine.
 * `quarantine release` (a re-pull after a fix) is registered on the same group by the run
 * actions (src/cli/run-actions-commands.ts) through {@link quarantineCommandGroup}.
 * Exit 0; 2 on bad input (an unknown partner, reason, format or reference).
 */
export interface QuarantineListOptions {
  readonly config: string;
  readonly partner?: string;
  readonly reason?: string;
  readonly all?: boolean;
  readonly limit?: string;
  readonly format?: string;
}

export async function quarantineListCommand(options: QuarantineListOptions, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, now, storeSchema } = resolveIo(io);
  let format;
  let limit;
  let reason;
  try {
    format = chooseFormat(options.format);
    limit = parseLimit(options.limit, 100);
    reason = checkQuarantineReason(options.reason);
  } catch (error) {
    return refusedInput(error, writeError);
  }
  return inOperationsContext(options.config, env, { writeError, storeSchema }, 'none', async (context) => {
    if (options.partner !== undefined) requirePartner(context.config, context.configFile, options.partner, '--partner');
    const list = await listQuarantined(context.store, {
      ...(options.partner !== undefined ? { partnerId: options.partner } : {}), ...(reason !== undefined ? { reason } : {}), all: options.all === true, limit,
    }, now());
    write(format === 'json' ? `${JSON.stringify(list, null, 2)}\n` : formatQuarantineList(list));
    return 0;
  });
}

export async function quarantineShowCommand(partnerId: string, sourceRef: string, options: { config: string; format?: string }, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, now, storeSchema } = resolveIo(io);
  let format;
  try {
    format = chooseFormat(options.format);
  } catch (error) {
    return refusedInput(error, writeError);
  }
  return inOperationsContext(options.config, env, { writeError, storeSchema }, 'none', async (context) => {
    requirePartner(context.config, context.configFile, partnerId);
    const report = await showQuarantined(context.store, partnerId, sourceRef, now());
    write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatQuarantineItem(report));
    return 0;
  });
}

/** The `quarantine` command group, created once whoever registers first (list/show here, release elsewhere). */
export function quarantineCommandGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'quarantine')
    ?? program.command('quarantine').description('Quarantined records (could not be read or mapped): list, show, release for a re-pull.');
}

export function registerQuarantineCommands(program: Command): void {
  const quarantine = quarantineCommandGroup(program);
  quarantine.command('list')
    .description('Open quarantine by partner and reason, then the items: reference, stream, stage, field, reason, expected, occurrences, first and last seen.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--partner <id>', 'only this partner')
    .option('--reason <reason>', 'only this reason (partners/README.md §2.7)')
    .option('--all', 'released items too')
    .option('--limit <n>', 'at most this many items (default 100); the counts cover all')
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: QuarantineListOptions) => {
      process.exitCode = await quarantineListCommand(options, process.env);
    });
  quarantine.command('show <partner> <source-ref>')
    .description('Everything stored about one quarantined record: per reason and field, what was expected, occurrences, the runs that saw it, its release. Never a value: none is stored.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--format <format>', 'table or json', 'table')
    .action(async (partnerId: string, sourceRef: string, options: { config: string; format?: string }) => {
      process.exitCode = await quarantineShowCommand(partnerId, sourceRef, options, process.env);
    });
}
