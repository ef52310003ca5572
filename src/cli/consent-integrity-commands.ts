import { Option, type Command } from 'commander';
import { accessActor, addAccessOptions } from './access-options.js';
import { consentCheckpointCommand, consentPublicKeyCommand } from './consent-checkpoint.js';
import { consentExplainCommand } from './consent-explain.js';
import { outputFormats } from './consent-integrity-context.js';
import { consentConsistencyCommand, consentProveCommand } from './consent-prove.js';
import { consentVerifyCommand } from './consent-verify.js';
import { auditExportCommand } from './privacy-audit-export.js';

/**
 * The log-integrity commands (issue 5, part A): `consent verify | checkpoint | public-key | prove |
 * consistency | explain` and `privacy audit-export`. Errors go up to main.ts, which prints them
 * with the catalogue's action and exits 1, or 2 for configuration.
 */
const defaultConfigFile = 'config/midden-utrecht.yaml';

const parent = (program: Command, name: string, description: string): Command =>
  program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);

const formatOption = (): Option => new Option('--format <format>', 'output format').choices(outputFormats).default('text');

export function registerConsentIntegrityCommands(program: Command): void {
  const consent = parent(program, 'consent', 'The consent decision log.');
  const privacy = parent(program, 'privacy', 'Privacy: access, erasure, retention, audit.');

  consent.command('verify')
    .description('Check the hash chain of the consent log AND every signed checkpoint in a folder: a changed, removed or reordered entry, a rewritten chain, a cut-off tail.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--checkpoints <folder>', 'checkpoints to check against (default: privacy.checkpoints.dir), e.g. a partner\'s own copy')
    .option('--public-key <file>', 'the PEM public key of the checkpoints (default: the public half of the configured key)')
    .option('--chain-only', 'accept a check of the hash chain alone (otherwise: exit 3 when no checkpoint could be checked)')
    .addOption(formatOption())
    .action(async (options: { config: string; checkpoints?: string; publicKey?: string; format: string; chainOnly?: boolean }) => {
      process.exitCode = await consentVerifyCommand(options);
    });

  consent.command('checkpoint')
    .description('Sign and write a checkpoint of the consent log now, into the checkpoint folder, every partner folder and webhook.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--demo', 'without a key in the environment, use (or create) the demo key beside the embedded store')
    .action(async (options: { config: string; demo?: boolean }) => {
      process.exitCode = await consentCheckpointCommand(options);
    });

  consent.command('public-key')
    .description('Print the checkpoints\' public key (PEM), key id and fingerprint, to hand to every partner\'s privacy officer.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .addOption(formatOption())
    .action((options: { config: string; format: string }) => {
      process.exitCode = consentPublicKeyCommand(options);
    });

  addAccessOptions(consent.command('prove [record-ref]')
    .description('Write a self-contained proof that the consent decision behind a stored record is in the log the latest signed checkpoint vouches for; --check verifies one offline.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--out <file>', 'write the proof here instead of to standard output')
    .option('--check <proof>', 'verify this proof file offline (no store needed)')
    .option('--public-key <file>', 'the PEM public key to check the checkpoint\'s signature with'))
    .action(async (ref: string | undefined, options: { config: string; out?: string; check?: string; publicKey?: string }) => {
      process.exitCode = await consentProveCommand(ref, options, accessActor(options));
    });

  consent.command('consistency [checkpoints...]')
    .description('Prove from the log that the newer of two checkpoints extends the older (the log only grew); --check verifies a saved proof offline.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--out <file>', 'also write the proof to this file')
    .option('--check <proof>', 'verify this consistency proof file offline (no store needed)')
    .option('--public-key <file>', 'the PEM public key of the checkpoints')
    .action(async (files: string[], options: { config: string; out?: string; check?: string; publicKey?: string }) => {
      process.exitCode = await consentConsistencyCommand(files, options);
    });

  addAccessOptions(consent.command('explain <record-ref>')
    .description('For a privacy officer: which consent let a stored record in, for which purposes, when and by which rule, its log entries, and the inclusion proof of the decision.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--public-key <file>', 'the PEM public key to check the checkpoint with (default: the configured key\'s)')
    .addOption(formatOption()))
    .action(async (ref: string, options: { config: string; publicKey?: string; format: string }) => {
      process.exitCode = await consentExplainCommand(ref, options, accessActor(options));
    });

  addAccessOptions(privacy.command('audit-export')
    .description('Write what an audit needs for a period into one folder: consent-log entries, erasures, checkpoints, the verification result and a SHA-256 manifest.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, Amsterdam time) or an ISO instant')
    .requiredOption('--to <date>', 'last day, included (YYYY-MM-DD), or an ISO instant (excluded)')
    .requiredOption('--out <folder>', 'a new or empty folder')
    .option('--public-key <file>', 'the PEM public key of the checkpoints (default: the configured key\'s)'))
    .action(async (options: { config: string; from: string; to: string; out: string; publicKey?: string }) => {
      process.exitCode = await auditExportCommand(options, accessActor(options));
    });
}
