import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { recordAccess } from '../privacy/access-log.js';
import { parsePeriod } from '../privacy/consent-log-query-period.js';
import { erasureFormats, formatErasureReceipts, formatPurge, type ErasureFormat } from '../privacy/erasure-report.js';
import { purgeExpired } from '../privacy/retention-purge.js';
import { accessActor, addAccessOptions } from './access-options.js';
import { openConfiguredStore } from './bootstrap.js';
import { inputRefused } from './privacy-access-commands.js';

/**
 * `werkbrug privacy erasures` (the erasure receipts of a period, docs/privacy/erasure-and-retention.md)
 * and `werkbrug privacy purge` (the retention purge on demand). Neither needs the pseudonymisation
 * key. Listing receipts shows pseudonyms, so it is recorded in the access log before anything is
 * printed; the purge shows counts only.
 */
const defaultConfigFile = 'config/midden-utrecht.yaml';

export interface ErasuresOptions {
  readonly config: string;
  readonly from?: string;
  readonly to?: string;
  readonly format?: string;
}

/** Exit 0; 1 when a receipt disagrees with its consent-log entry; 2 on bad input (nothing shown). */
export async function privacyErasuresCommand(options: ErasuresOptions & Record<string, unknown>, env: NodeJS.ProcessEnv, write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  let period: ReturnType<typeof parsePeriod>;
  let format: ErasureFormat;
  try {
    period = parsePeriod(options, ['--from', '--to']);
    const chosen = options.format ?? 'table';
    if (!(erasureFormats as readonly string[]).includes(chosen)) throw new WerkbrugError('WB_PRIVACY_INPUT_INVALID', { field: '--format', expected: `one of ${erasureFormats.join(', ')}` });
    format = chosen as ErasureFormat;
  } catch (error) {
    return inputRefused(error);
  }
  const actor = accessActor(options);
  const store = await openConfiguredStore(options.config, env);
  try {
    const receipts = await store.listErasureReceipts(period);
    await recordAccess(store, {
      event: 'erasure-list', person: null, ...actor,
      detail: { from: period.from ?? '', to: period.to ?? '', receipts: receipts.length },
    }, new Date());
    write(formatErasureReceipts(receipts, format));
    const disagreeing = receipts.filter((r) => !r.matchesLog).length;
    if (disagreeing > 0) {
      process.stderr.write(`werkbrug: ${disagreeing} erasure receipt(s) do not match their consent-log entry; run \`werkbrug consent verify\` and call the privacy officer\n`);
      return 1;
    }
    return 0;
  } finally {
    await store.close();
  }
}

export async function privacyPurgeCommand(options: { config: string; dryRun?: boolean }, env: NodeJS.ProcessEnv, write: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const config = loadConfig(options.config);
  const store = await openConfiguredStore(options.config, env);
  try {
    write(formatPurge(await purgeExpired({ store, config, now: new Date(), dryRun: options.dryRun ?? false, runId: null })));
    return 0;
  } finally {
    await store.close();
  }
}

/** Registers `privacy erasures` and `privacy purge`; errors reach main.ts's handler through parseAsync. */
export function registerPrivacyErasureCommands(program: Command): void {
  const privacy = program.commands.find((c) => c.name() === 'privacy') ?? program.command('privacy').description('Privacy: erasures, retention, access requests, key rotation.');
  addAccessOptions(privacy.command('erasures')
    .description('The erasure receipts of a period (withdrawals of consent): pseudonym, purpose, counts, rule and consent-log entry.')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD in Amsterdam time (or an ISO instant)')
    .requiredOption('--to <date>', 'last day, included, YYYY-MM-DD (or an ISO instant, excluded)')
    .option('--format <format>', 'table, csv or json', 'table')
    .option('-c, --config <file>', 'region config file', defaultConfigFile))
    .action(async (options: ErasuresOptions & Record<string, unknown>) => {
      process.exitCode = await privacyErasuresCommand(options, process.env);
    });
  privacy.command('purge')
    .description('Purge the stored rows past the retention period of their purpose (privacy.retention) and log it; also runs after every sync.')
    .option('--dry-run', 'count what would be purged, change nothing')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .action(async (options: { config: string; dryRun?: boolean }) => {
      process.exitCode = await privacyPurgeCommand(options, process.env);
    });
}
