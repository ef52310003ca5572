#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../config/load.js';
import { isWerkbrugError } from '../errors/werkbrug-error.js';
import { configCheckCommand } from './config-check.js';
import { consentVerifyCommand } from './consent-verify.js';
import { demoCommand } from './demo.js';
import { syncCommand } from './sync.js';

/**
 * `werkbrug`: one CLI, subcommands. Exit codes: 0 success, 1 the job ran and failed (a failed
 * run, an unbalanced run, a broken consent log), 2 bad configuration or input (nothing ran).
 */
export const defaultConfigFile = 'config/midden-utrecht.yaml';

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`werkbrug: ${error.message}\n`);
    process.exit(2);
  }
  if (isWerkbrugError(error)) {
    process.stderr.write(`werkbrug: ${error.message}\n  what to do: ${error.action}\n`);
    process.exit(error.code.startsWith('WB_CONFIG') || error.code === 'WB_KEY_INVALID' ? 2 : 1);
  }
  process.stderr.write(`werkbrug: unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : 'error'}\n`);
  process.exit(1);
}

const program = new Command('werkbrug')
  .description('IPS trajectory data from ggz, gemeente and UWV into the region\'s reporting store, pseudonymised and consent-checked.')
  .showHelpAfterError();

program.command('demo')
  .description('Run the main job end to end on embedded defaults: partner sandboxes, Redis (started if needed), embedded store.')
  .option('-c, --config <file>', 'region config file', defaultConfigFile)
  .option('--persons <n>', 'persons in the generated caseload', '500')
  .option('--scenario <name>', 'sandbox scenario: default, edge-cases or volume', 'edge-cases')
  .action(async (options: { config: string; persons: string; scenario: string }) => {
    process.exitCode = await demoCommand(options).catch(fail);
  });

const config = program.command('config').description('Configuration.');
config.command('check [file]')
  .description('Validate a region config file without running anything; lists every problem.')
  .action((file: string | undefined) => {
    process.exitCode = configCheckCommand(file ?? defaultConfigFile, process.env);
  });

const consent = program.command('consent').description('The consent decision log.');
consent.command('verify')
  .description('Walk the hash chain of the consent log and name the first entry that was changed, removed or reordered.')
  .option('-c, --config <file>', 'region config file', defaultConfigFile)
  .action(async (options: { config: string }) => {
    process.exitCode = await consentVerifyCommand(options.config, process.env).catch(fail);
  });

program.command('sync [partners...]')
  .description('Sync the configured partners (all when none named) through the queues, running workers in this process.')
  .option('-c, --config <file>', 'region config file', defaultConfigFile)
  .action(async (partners: string[], options: { config: string }) => {
    process.exitCode = await syncCommand(options.config, partners, process.env).catch(fail);
  });

await program.parseAsync(process.argv).catch(fail);
