import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/load.js';
import { isWerkbrugError, WerkbrugError } from '../errors/werkbrug-error.js';
import { accessLogRef, recordAccess } from '../privacy/access-log.js';
import { answerAccessRequest } from '../privacy/access-request.js';
import { readRequestBsn, refuseBsnOnCommandLine } from '../privacy/access-request-input.js';
import { pseudonymSchema } from '../trajectory/trajectory-record.js';
import { consentLogFormats, consentLogOutcomes, writeConsentLog, type ConsentLogFormat } from '../privacy/consent-log-query.js';
import { parsePeriod } from '../privacy/consent-log-query-period.js';
import type { ConsentLogContent } from '../store/store.js';
import { accessActor, addAccessOptions } from './access-options.js';
import { bootstrap, openConfiguredStore, stateDir } from './bootstrap.js';
import { writeAccessLogList } from './privacy-access-log-list.js';

/**
 * The privacy officer's access commands: `consent log` (a period of the consent log),
 * `privacy access-request` (a data subject's access request) and `privacy access-log verify|list`
 * (the NEN 7513 access log). Every command that shows personal data records itself in the access
 * log first. Bad input exits 2 with the option named (WB_PRIVACY_INPUT_INVALID), never echoing it.
 */
const defaultConfigFile = 'config/midden-utrecht.yaml';

/** Writes to stdout, waiting when its buffer is full, so a long listing streams in bounded memory. */
export function stdoutWriter(stream: NodeJS.WritableStream = process.stdout): (chunk: string) => Promise<void> {
  return async (chunk) => {
    if (chunk !== '' && !stream.write(chunk)) await once(stream, 'drain');
  };
}

/** Exit 2 for refused input (with the catalogue's action), rethrow the rest for main.ts. */
export function inputRefused(error: unknown): number {
  if (isWerkbrugError(error) && error.code === 'WB_PRIVACY_INPUT_INVALID') {
    process.stderr.write(`werkbrug: ${error.message}\n  what to do: ${error.action}\n`);
    return 2;
  }
  throw error;
}

function choice<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new WerkbrugError('WB_PRIVACY_INPUT_INVALID', { field: option, expected: `one of ${allowed.join(', ')}` });
}

export interface ConsentLogOptions {
  readonly config: string;
  readonly from?: string;
  readonly to?: string;
  readonly decision?: string;
  readonly partner?: string;
  readonly format?: string;
}

export async function consentLogCommand(options: ConsentLogOptions & Record<string, unknown>, env: NodeJS.ProcessEnv, write = stdoutWriter()): Promise<number> {
  try {
    const period = parsePeriod(options, ['--from', '--to']);
    const outcome = choice<ConsentLogContent['outcome'] & (typeof consentLogOutcomes)[number]>('--decision', options.decision, consentLogOutcomes);
    const format = choice<ConsentLogFormat>('--format', options.format ?? 'table', consentLogFormats) ?? 'table';
    const actor = accessActor(options);
    const store = await openConfiguredStore(options.config, env);
    try {
      const detail: Record<string, string> = { from: period.from ?? '', to: period.to ?? '', format };
      if (outcome !== undefined) detail.decision = outcome;
      if (options.partner !== undefined) detail.partner = options.partner;
      await recordAccess(store, { event: 'consent-log', person: null, ...actor, detail }, new Date());
      await writeConsentLog(store, { ...period, ...(outcome === undefined ? {} : { outcome }), ...(options.partner === undefined ? {} : { partnerId: options.partner }) }, format, write);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    return inputRefused(error);
  }
}

export interface AccessRequestOptions {
  readonly config: string;
  readonly bsnFile?: string;
  readonly out?: string;
}

function defaultOutDir(now: Date): string {
  return resolve(`access-request-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`);
}

/**
 * `privacy access-request`. `extraArgs` are the words commander did not take (arguments and
 * unknown options): a BSN typed there is refused before anything else happens.
 */
export async function accessRequestCommand(
  options: AccessRequestOptions & Record<string, unknown>,
  extraArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  io: { readonly stdin?: NodeJS.ReadableStream; readonly logDestination?: DestinationStream } = {},
): Promise<number> {
  try {
    refuseBsnOnCommandLine([...extraArgs, ...Object.values(options).filter((v): v is string => typeof v === 'string')]);
    if (extraArgs.length > 0) {
      throw new WerkbrugError('WB_PRIVACY_INPUT_INVALID', { field: 'command line', expected: 'only the options of privacy access-request', detail: `${extraArgs.length} unexpected argument(s)` });
    }
    const actor = accessActor(options);
    const bsn = await readRequestBsn({ ...(options.bsnFile === undefined ? {} : { bsnFile: options.bsnFile }), stdin: io.stdin ?? process.stdin });
    const config = loadConfig(options.config);
    // The demo's key sits beside its embedded store; use it only when it is there, never make one.
    const demoKeyThere = env.DATABASE_URL === undefined && existsSync(join(stateDir(config), 'pseudonym-key.json'));
    const boot = await bootstrap({ configFile: options.config, env, allowDemoKey: demoKeyThere, ...(io.logDestination === undefined ? {} : { logDestination: io.logDestination }) });
    try {
      const now = boot.runtime.now();
      const result = await answerAccessRequest({
        store: boot.runtime.store, pseudonymiser: boot.runtime.pseudonymiser, bsn, actor,
        region: { code: config.region.code, name: config.region.name }, outDir: options.out ?? defaultOutDir(now), now,
      });
      const c = result.report.counts;
      process.stdout.write([
        `access request answered for ${result.report.pseudonyms[0]?.pseudonym ?? ''}`
          + `${result.report.pseudonyms.length > 1 ? ` (and ${result.report.pseudonyms.length - 1} earlier pseudonym(s))` : ''}`,
        `  records ${c.records}, earlier versions ${c.recordHistory}, removals ${c.removals}, consent documents ${c.consentDocuments}, pending ${c.pending}, consent-log entries ${c.consentLog}, erasure receipts ${c.erasureReceipts}`,
        `  access logged as entry #${result.report.accessLog.seq} ${result.report.accessLog.ref}`,
        ...result.files.map((file) => `  wrote ${file}`),
        '',
      ].join('\n'));
      return 0;
    } finally {
      await boot.close();
    }
  } catch (error) {
    return inputRefused(error);
  }
}

export async function accessLogVerifyCommand(configFile: string, env: NodeJS.ProcessEnv): Promise<number> {
  const store = await openConfiguredStore(configFile, env);
  try {
    const result = await store.verifyAccessLog();
    if (result.ok) {
      process.stdout.write(`access log verified: ${result.entries} entries, head #${result.headSeq} ${accessLogRef({ hash: result.headHash })}\n`);
      return 0;
    }
    process.stdout.write(`access log FAILED verification at entry #${result.firstBadSeq}: ${result.problem}: ${result.detail}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

export async function accessLogListCommand(options: { config: string; from?: string; to?: string; person?: string; format?: string } & Record<string, unknown>, env: NodeJS.ProcessEnv, write = stdoutWriter()): Promise<number> {
  try {
    refuseBsnOnCommandLine(Object.values(options).filter((v): v is string => typeof v === 'string'));
    if (options.person !== undefined && !pseudonymSchema.safeParse(options.person).success) {
      throw new WerkbrugError('WB_PRIVACY_INPUT_INVALID', { field: '--person', expected: 'a ps1 pseudonym (ps1:<key id>:…); never a BSN or a name' });
    }
    const period = parsePeriod(options);
    const format = choice<ConsentLogFormat>('--format', options.format ?? 'table', consentLogFormats) ?? 'table';
    const actor = accessActor(options);
    const store = await openConfiguredStore(options.config, env);
    try {
      // Who looked at whom is itself personal data: listing it is an access like any other.
      await recordAccess(store, {
        event: 'access-log-list', person: options.person ?? null, ...actor, detail: { from: period.from ?? '', to: period.to ?? '', format },
      }, new Date());
      await writeAccessLogList(store, { ...period, ...(options.person === undefined ? {} : { person: options.person }) }, format, write);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    return inputRefused(error);
  }
}

function parent(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** Registers `consent log`, `privacy access-request` and `privacy access-log verify|list`. */
export function registerPrivacyAccessCommands(program: Command): void {
  const consent = parent(program, 'consent', 'The consent decision log.');
  const privacy = parent(program, 'privacy', 'Privacy: erasures, access requests, key rotation.');

  addAccessOptions(consent.command('log')
    .description('List every decision, refusal, pending record and erasure of a period from the consent log (recorded in the access log).')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--from <date>', 'first day (YYYY-MM-DD, Amsterdam time) or an ISO instant; required')
    .option('--to <date>', 'last day, included (YYYY-MM-DD), or an ISO instant, excluded; required')
    .option('--decision <outcome>', `only this outcome: ${consentLogOutcomes.join(', ')}`)
    .option('--partner <id>', 'only entries of this partner')
    .option('--format <format>', `${consentLogFormats.join(', ')}`, 'table'))
    .action(async (options: ConsentLogOptions & Record<string, unknown>) => {
      process.exitCode = await consentLogCommand(options, process.env);
    });

  addAccessOptions(privacy.command('access-request')
    .description('Answer a data subject\'s access request: reads the BSN from standard input or --bsn-file (never the command line), writes JSON and HTML.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--bsn-file <file>', 'a file holding the BSN (default: standard input)')
    .option('--out <folder>', 'output folder, created with mode 0700 (default: ./access-request-<time>)')
    .allowExcessArguments(true)
    .allowUnknownOption(true))
    .action(async (options: AccessRequestOptions & Record<string, unknown>, command: Command) => {
      process.exitCode = await accessRequestCommand(options, command.args, process.env);
    });

  const accessLog = privacy.command('access-log').description('The access log (NEN 7513): who looked at which privacy data, when, for whom.');
  accessLog.command('verify')
    .description('Walk the hash chain of the access log and name the first entry that was changed, removed or reordered.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .action(async (options: { config: string }) => {
      process.exitCode = await accessLogVerifyCommand(options.config, process.env);
    });
  addAccessOptions(accessLog.command('list')
    .description('List the access log for a period (this listing is itself recorded).')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--from <date>', 'first day (YYYY-MM-DD, Amsterdam time) or an ISO instant')
    .option('--to <date>', 'last day, included (YYYY-MM-DD), or an ISO instant, excluded')
    .option('--person <pseudonym>', 'only accesses to this person\'s data')
    .option('--format <format>', `${consentLogFormats.join(', ')}`, 'table'))
    .action(async (options: { config: string } & Record<string, unknown>) => {
      process.exitCode = await accessLogListCommand(options, process.env);
    });
}
