import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { displayTimeZone, formatInstant } from '../operations/display-time.js';
import { checkActor, checkPauseReason, refusedInput } from '../operations/operations-input.js';
import { pausePartner, resumePartner } from '../operations/partner-pause.js';
import { defaultConfigFile, resolveIo, type CommandIo, inOperationsContext } from './operations-command-io.js';

/**
 * `werkbrug pause <partner>` and `werkbrug resume <partner>` (docs/operations/status-and-history.md).
 * Exit 0 when the state was set; 2 on bad input (an unknown partner, a reason with a BSN), nothing
 * changed then.
 */
export interface PauseOptions {
  readonly config: string;
  readonly reason?: string;
  readonly by?: string;
}

function operatingSystemUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function pauseCommand(partnerId: string, options: PauseOptions, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, storeSchema } = resolveIo(io);
  try {
    // Checked before the store is opened, so a refused reason touches nothing.
    checkPauseReason(options.reason);
    checkActor(options.by ?? operatingSystemUser());
  } catch (error) {
    return refusedInput(error, writeError);
  }
  return inOperationsContext(options.config, env, { writeError, storeSchema }, 'none', async (context) => {
    const outcome = await pausePartner({ ...context, partnerId, by: options.by ?? operatingSystemUser(), ...(options.reason !== undefined ? { reason: options.reason } : {}) });
    const c = outcome.control;
    const state = outcome.wasPaused ? 'was already paused; the pause is now' : 'paused';
    write(`${c.partnerId} ${state} by ${c.changedBy} at ${formatInstant(c.changedAt)} ${displayTimeZone}${c.reason ? `: ${c.reason}` : ''}\n`);
    write(`Its scheduled and queued runs and pulls wait (held, looking again every ${context.config.operations.holdSeconds} s) until \`werkbrug resume ${c.partnerId}\`.\n`);
    if (outcome.switchedOffInConfig) write(`Note: ${c.partnerId} is also switched off in ${context.configFile} (paused: true); it stays off after resume until the config changes.\n`);
    return 0;
  });
}

export async function resumeCommand(partnerId: string, options: Omit<PauseOptions, 'reason'>, env: NodeJS.ProcessEnv, io: CommandIo = {}): Promise<number> {
  const { write, writeError, storeSchema } = resolveIo(io);
  try {
    checkActor(options.by ?? operatingSystemUser());
  } catch (error) {
    return refusedInput(error, writeError);
  }
  return inOperationsContext(options.config, env, { writeError, storeSchema }, 'optional', async (context) => {
    const outcome = await resumePartner({ ...context, partnerId, by: options.by ?? operatingSystemUser() });
    const c = outcome.control;
    write(`${c.partnerId} ${outcome.wasPaused ? 'resumed' : 'was not paused; marked resumed'} by ${c.changedBy} at ${formatInstant(c.changedAt)} ${displayTimeZone}\n`);
    if (outcome.released === null) {
      writeError(`werkbrug: warning: held runs not released now: ${context.queuesProblem ?? 'Redis could not be reached'}\n`);
      write(`Held runs look again by themselves within ${context.config.operations.holdSeconds} s (operations.holdSeconds) once Redis answers.\n`);
    } else {
      write(`Released ${outcome.released} held job(s): they run as soon as a worker is free.\n`);
    }
    if (outcome.switchedOffInConfig) write(`Note: ${c.partnerId} is switched off in ${context.configFile} (paused: true); it is not scheduled until the config changes.\n`);
    return 0;
  });
}

export function registerPauseCommands(program: Command): void {
  program.command('pause <partner>')
    .description('Pause a partner: its scheduled and queued sync runs wait (held) until `werkbrug resume`. For planned outages; status shows who paused it, when and why.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--reason <text>', 'why, about the partner (at most 200 characters; no BSN or other personal data)')
    .option('--by <name>', 'who pauses (default: the operating-system user)')
    .action(async (partnerId: string, options: PauseOptions) => {
      process.exitCode = await pauseCommand(partnerId, options, process.env);
    });
  program.command('resume <partner>')
    .description('Resume a paused partner and release its held runs at once (when Redis answers).')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--by <name>', 'who resumes (default: the operating-system user)')
    .action(async (partnerId: string, options: Omit<PauseOptions, 'reason'>) => {
      process.exitCode = await resumeCommand(partnerId, options, process.env);
    });
}
