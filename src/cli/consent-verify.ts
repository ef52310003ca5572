import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { verifyLog, type LogVerification } from '../consent/log-verification.js';
import { outputFormat, processIo, verifyingKeyFor, withStore, type IntegrityIo } from './consent-integrity-context.js';

/**
 * `werkbrug consent verify [--checkpoints <folder>] [--public-key <pem>] [--chain-only]`: exit 0
 * when the hash chain verifies and every checkpoint in the folder matches the log, 1 naming what
 * does not, 3 when only the chain could be checked ({@link exitChainOnly}).
 * Needs no pseudonymisation key: the chain is plain SHA-256 over canonical JSON and the
 * checkpoints are checked with a public key, so a privacy officer can run it with their own copy.
 */
export interface ConsentVerifyOptions {
  readonly config: string;
  /** A folder of checkpoints someone else kept; default `privacy.checkpoints.dir`. */
  readonly checkpoints?: string;
  readonly publicKey?: string;
  readonly format?: string;
  /** Accept a check of the hash chain alone (no checkpoint checked) as a success. */
  readonly chainOnly?: boolean;
}

/**
 * Exit 3: the chain verified, but no checkpoint was checked (no public key, or none in the
 * folder). A rewritten and re-chained log passes a chain check, so this is not a success unless
 * asked for with `--chain-only`: a deleted copy folder must not look like a clean bill.
 */
export const exitChainOnly = 3;

function chainLine(result: LogVerification['chain']): string {
  return result.ok
    ? `consent log verified: ${result.entries} entries, head #${result.headSeq} cl1:${result.headHash}\n`
    : `consent log FAILED verification at entry #${result.firstBadSeq}: ${result.problem}: ${result.detail}\n`;
}

function accessLogLine(result: LogVerification['accessLog']): string {
  return result.ok
    ? `access log verified: ${result.entries} entries, head #${result.headSeq} al1:${result.headHash}\n`
    : `access log FAILED verification at entry #${result.firstBadSeq}: ${result.problem}: ${result.detail}\n`;
}

function checkpointLines(result: LogVerification, keySource: string | undefined, dir: string): string {
  const checked = result.checkpoints;
  if (checked === undefined) return `checkpoints NOT checked: no public key (pass --public-key <file>, or set the checkpoint key variables); only the chain was checked\n`;
  if (checked.checked === 0) return `checkpoints: none in ${dir}: only the chain was checked\n`;
  if (checked.ok) {
    const latest = checked.results[checked.results.length - 1];
    return `checkpoints verified: ${checked.checked} in ${dir} match the log (latest: ${latest?.treeSize} entries at ${latest?.time}; public key: ${keySource})\n`;
  }
  const lines = checked.results.filter((r) => !r.ok).flatMap((r) => r.findings.map((f) => `  ${basename(r.file, '.json')}: ${f.problem}: ${f.detail}\n`));
  return `checkpoints FAILED: ${checked.failed} of ${checked.checked} in ${dir} do not match the log (public key: ${keySource})\n${lines.join('')}`;
}

export async function consentVerifyCommand(options: ConsentVerifyOptions, io: IntegrityIo = processIo()): Promise<number> {
  const format = outputFormat(options.format);
  return withStore(options.config, io.env, async (store, config) => {
    const dir = options.checkpoints ?? config.privacy.checkpoints.dir;
    if (options.checkpoints !== undefined && !existsSync(options.checkpoints)) {
      throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file: options.checkpoints, expected: 'a folder of checkpoint files (--checkpoints)' });
    }
    const key = verifyingKeyFor(config, options.publicKey, io.env);
    const result = await verifyLog(store, dir, key?.publicKey);
    if (format === 'json') io.write(`${JSON.stringify({ ...result, publicKey: key?.source ?? null }, null, 2)}\n`);
    else io.write(chainLine(result.chain) + accessLogLine(result.accessLog) + checkpointLines(result, key?.source, dir));
    if (!result.ok) return 1;
    const checkpointsChecked = (result.checkpoints?.checked ?? 0) > 0;
    return checkpointsChecked || options.chainOnly === true ? 0 : exitChainOnly;
  });
}
