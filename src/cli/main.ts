#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../config/load.js';
import { isWerkbrugError } from '../errors/werkbrug-error.js';
import { configCheckCommand } from './config-check.js';
import { registerConsentIntegrityCommands } from './consent-integrity-commands.js';
import { demoCommand } from './demo.js';
import { syncCommand } from './sync.js';
import { registerPrivacyErasureCommands } from './privacy-erasure-commands.js';
import { registerPrivacyAccessCommands } from './privacy-access-commands.js';
import { registerKeyRotationCommands } from './key-rotation-commands.js';
import { registerStatusCommands } from './status-commands.js';
import { registerPauseCommands } from './pause-commands.js';
import { registerQuarantineCommands } from './quarantine-commands.js';
import { registerAlertsCommands } from './alerts-commands.js';
import { registerRunActionCommands } from './run-actions-commands.js';
import { workerCommand } from './worker.js';
import { registerSchedulerCommand } from './scheduler.js';
import { schedulerPlugins } from './scheduler-plugins.js';

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
    process.exit(error.code.startsWith('WB_CONFIG') || error.code === 'WB_KEY_INVALID' || error.code === 'WB_PRIVACY_INPUT_INVALID' || error.code === 'WB_OPERATIONS_INPUT_INVALID' ? 2 : 1);
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

registerConsentIntegrityCommands(program);

program.command('sync [partners...]')
  .description('Sync the configured partners (all when none named) through the queues, running workers in this process.')
  .option('-c, --config <file>', 'region config file', defaultConfigFile)
  .action(async (partners: string[], options: { config: string }) => {
    process.exitCode = await syncCommand(options.config, partners, process.env).catch(fail);
  });

// Loaded on demand: the contract kit needs development dependencies a production install lacks.
const connector = program.command('connector').description('Connector development: scaffold a connector, run the contract kit.');
connector.command('new <name>')
  .description('Scaffold a connector folder (connectors/<name>) that passes the contract kit against its own sandbox.')
  .requiredOption('--kind <kind>', 'wire format: fhir, soap or rest')
  .option('--dir <folder>', 'target folder (default connectors/<name>)')
  .action(async (name: string, options: { kind: string; dir?: string }) => {
    const { connectorNewCommand } = await import('./connector-new.js');
    process.exitCode = await Promise.resolve().then(() => connectorNewCommand(name, options)).catch(fail);
  });
connector.command('test <name>')
  .description('Run the connector contract kit for connectors/<name>/contract.ts against its sandbox.')
  .option('--check <id...>', 'only these checks')
  .option('--dir <folder>', 'the connector folder (default connectors/<name>)')
  .action(async (name: string, options: { check?: string[]; dir?: string }) => {
    const { connectorTestCommand } = await import('./connector-test.js');
    process.exitCode = await connectorTestCommand(name, options).catch(fail);
  });

registerKeyRotationCommands(program);

registerPrivacyAccessCommands(program);
registerPrivacyErasureCommands(program);

registerStatusCommands(program);
registerPauseCommands(program);
registerQuarantineCommands(program);
registerAlertsCommands(program);

program.command('worker')
  .description('Run the sync, pull and ingest workers until SIGTERM/SIGINT (jobs in hand go back to the queue; nothing is lost). Serves /healthz, /readyz and /metrics.')
  .option('-c, --config <file>', 'region config file', defaultConfigFile)
  .action(async (options: { config: string }) => {
    process.exitCode = await workerCommand(options.config, process.env).catch(fail);
  });
registerRunActionCommands(program, defaultConfigFile, fail);
registerSchedulerCommand(program, defaultConfigFile, fail, schedulerPlugins);

await program.parseAsync(process.argv).catch(fail);
