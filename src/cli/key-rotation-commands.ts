import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { recordAccess } from '../privacy/access-log.js';
import { formatRotationStatus, rotationStatus } from '../privacy/key-rotation-status.js';
import { sweepRotation, type SweepResult } from '../privacy/key-rotation-sweep.js';
import { accessActor, addAccessOptions } from './access-options.js';
import { bootstrap, openConfiguredStore } from './bootstrap.js';

/**
 * `werkbrug privacy rotation status|sweep`: the commands of a pseudonymisation key rotation
 * (`docs/privacy/key-rotation.md`). `status` needs no key (pseudonyms name their key id); `sweep`
 * needs both keys, the partners' tokens and nothing else (no Redis: it reads worklists directly).
 */
const defaultConfigFile = 'config/midden-utrecht.yaml';

export async function rotationStatusCommand(configFile: string, env: NodeJS.ProcessEnv, options: { json?: boolean } = {}): Promise<number> {
  const config = loadConfig(configFile);
  const store = await openConfiguredStore(configFile, env);
  try {
    const status = await rotationStatus(store, env[config.pseudonym.keyIdEnv] ?? null, env[config.pseudonym.previousKeyIdEnv] ?? null);
    process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatRotationStatus(status));
    return 0;
  } finally {
    await store.close();
  }
}

export function formatSweep(result: SweepResult): string {
  return [
    `rotation sweep ${result.previousKeyId} → ${result.currentKeyId}`,
    `  persons the partners follow: ${result.followed}`,
    `  relinked now:                ${result.relinked}`,
    `  invalid BSNs in worklists:   ${result.invalidBsn}`,
    `  worklists that failed:       ${result.failedSources.length === 0 ? 'none' : result.failedSources.join(', ')}`,
    `  still under ${result.previousKeyId}: ${result.remainingUnderPrevious} (no partner follows them: unlinkable once the key is destroyed)`,
    '',
  ].join('\n');
}

export async function rotationSweepCommand(configFile: string, env: NodeJS.ProcessEnv, options: unknown): Promise<number> {
  const actor = accessActor(options);
  const boot = await bootstrap({ configFile, env, requirePartnerTokens: true });
  try {
    const { runtime } = boot;
    // The sweep reads every followed person's BSN (in memory): on record like any access, and
    // before it happens, so a sweep that fails half-way is on record too. The outcome follows.
    await recordAccess(runtime.store, { event: 'rotation-sweep', person: null, ...actor, detail: { phase: 'start' } }, runtime.now());
    const result = await sweepRotation(runtime, runtime.logger.child({ command: 'privacy rotation sweep' }));
    await recordAccess(runtime.store, {
      event: 'rotation-sweep', person: null, ...actor,
      detail: { phase: 'done', previousKeyId: result.previousKeyId, currentKeyId: result.currentKeyId, followed: result.followed, relinked: result.relinked, remainingUnderPrevious: result.remainingUnderPrevious },
    }, runtime.now());
    process.stdout.write(formatSweep(result));
    return result.failedSources.length === 0 ? 0 : 1;
  } finally {
    await boot.close();
  }
}

/** Registers `privacy rotation status` and `privacy rotation sweep`; errors reach main.ts's handler through parseAsync. */
export function registerKeyRotationCommands(program: Command): void {
  const privacy = program.commands.find((c) => c.name() === 'privacy') ?? program.command('privacy').description('Privacy: erasures, access requests, key rotation.');
  const rotation = privacy.command('rotation').description('Move to a new pseudonymisation key id without losing links (docs/privacy/key-rotation.md).');
  rotation.command('status')
    .description('Count stored persons per pseudonym key id (counts only); shows whether a rotation window can close.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--json', 'print JSON')
    .action(async (options: { config: string; json?: boolean }) => {
      process.exitCode = await rotationStatusCommand(options.config, process.env, options);
    });
  addAccessOptions(rotation.command('sweep')
    .description('Relink every person a partner still follows from the previous key to the current one (both keys in the environment).')
    .option('-c, --config <file>', 'region config file', defaultConfigFile))
    .action(async (options: { config: string }) => {
      process.exitCode = await rotationSweepCommand(options.config, process.env, options);
    });
}
