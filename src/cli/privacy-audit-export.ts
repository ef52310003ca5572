import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { publicKeyFingerprint, publicKeyPem } from '../consent/checkpoint.js';
import { readCheckpointFolder, type CheckpointFile } from '../consent/checkpoint-folder.js';
import { verifyLog } from '../consent/log-verification.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { recordAccess } from '../privacy/access-log.js';
import { parsePeriod, type Period } from '../privacy/consent-log-query-period.js';
import type { ConsentLogEntry, Store } from '../store/store.js';
import type { AccessActor } from './access-options.js';
import { processIo, verifyingKeyFor, withStore, type IntegrityIo } from './consent-integrity-context.js';

/**
 * `werkbrug privacy audit-export --from --to --out <folder>`: what an auditor needs for a period,
 * in one folder: the consent-log entries (JSON lines, as stored, with seq and hashes so the chain
 * can be re-checked), the erasures and retention purges, the access log of the period (NEN 7513)
 * with the verification of its chain, the checkpoints that cover the period,
 * the verification result, the public key, and a README.txt manifest with the SHA-256 of every
 * file. The folder holds pseudonyms and is written for the owner only (0700/0600).
 */
export interface AuditExportOptions {
  readonly config: string;
  readonly from?: string;
  readonly to?: string;
  readonly out: string;
  readonly publicKey?: string;
}

const erasureKinds = new Set(['erasure', 'retention-purge']);
const pageSize = 5000;

async function* periodEntries(store: Store, period: Period): AsyncGenerator<ConsentLogEntry> {
  let afterSeq = 0;
  for (;;) {
    const page = await store.queryConsentLog({ ...period, afterSeq, limit: pageSize });
    yield* page;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) return;
    afterSeq = last.seq;
  }
}

/** The checkpoints signed in the period, with the last one before it and the first one after (which covers its end). */
function coveringCheckpoints(all: readonly CheckpointFile[], period: Period): CheckpointFile[] {
  const byTime = [...all].sort((a, b) => a.checkpoint.time.localeCompare(b.checkpoint.time));
  const from = period.from ?? '';
  const to = period.to ?? '\uffff';
  const before = byTime.filter((c) => c.checkpoint.time < from).pop();
  const after = byTime.find((c) => c.checkpoint.time >= to);
  const within = byTime.filter((c) => c.checkpoint.time >= from && c.checkpoint.time < to);
  return [...(before ? [before] : []), ...within, ...(after ? [after] : [])];
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export async function auditExportCommand(options: AuditExportOptions, actor: AccessActor, io: IntegrityIo = processIo()): Promise<number> {
  const period = parsePeriod(options, ['--from', '--to']);
  if (existsSync(options.out) && readdirSync(options.out).length > 0) {
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file: options.out, expected: 'a new or empty folder for the audit export (--out)' });
  }
  return withStore(options.config, io.env, async (store, config) => {
    const key = verifyingKeyFor(config, options.publicKey, io.env);
    const checkpointDir = config.privacy.checkpoints.dir;
    const log: string[] = [];
    const erasures: string[] = [];
    for await (const entry of periodEntries(store, period)) {
      const line = `${JSON.stringify(entry)}\n`;
      log.push(line);
      if (erasureKinds.has(entry.content.kind)) erasures.push(line);
    }
    const covering = coveringCheckpoints((await readCheckpointFolder(checkpointDir)).checkpoints, period);
    // Recorded before anything is written: an export that fails half-way is still on record.
    await recordAccess(store, {
      event: 'audit-export', person: null, ...actor,
      detail: { from: period.from ?? '', to: period.to ?? '', entries: log.length, erasures: erasures.length, checkpoints: covering.length },
    }, io.now());
    await mkdir(join(options.out, 'checkpoints'), { recursive: true, mode: 0o700 });
    const write = (name: string, text: string) => writeFile(join(options.out, name), text, { mode: 0o600 });
    await write('consent-log.jsonl', log.join(''));
    await write('erasures.jsonl', erasures.join(''));
    for (const c of covering) await copyFile(c.file, join(options.out, 'checkpoints', basename(c.file)));
    const verification = await verifyLog(store, checkpointDir, key?.publicKey);
    // The NEN 7513 access log of the period (who looked at which privacy data), and its chain;
    // this export's own access is in it.
    const accessLines: string[] = [];
    for (let afterSeq = 0; ;) {
      const page = await store.readAccessLog({ ...period, afterSeq, limit: pageSize });
      accessLines.push(...page.map((entry) => `${JSON.stringify(entry)}\n`));
      const last = page[page.length - 1];
      if (last === undefined || page.length < pageSize) break;
      afterSeq = last.seq;
    }
    const accessVerification = await store.verifyAccessLog();
    await write('access-log.jsonl', accessLines.join(''));
    await write('verification.json', `${JSON.stringify({ ...verification, accessLog: accessVerification, publicKey: key?.source ?? null, checkedAt: io.now().toISOString() }, null, 2)}\n`);
    if (key !== undefined) await write('public-key.pem', publicKeyPem(key.publicKey));

    const files = ['consent-log.jsonl', 'erasures.jsonl', 'access-log.jsonl', 'verification.json', ...(key === undefined ? [] : ['public-key.pem']), ...covering.map((c) => join('checkpoints', basename(c.file)))];
    const manifest = await Promise.all(files.map(async (name) => {
      const bytes = await readFile(join(options.out, name));
      return `${sha256(bytes)}  ${name}  (${bytes.length} bytes)`;
    }));
    const verdict = verification.ok && accessVerification.ok
      ? `verified: the hash chain${verification.checkpoints === undefined ? ' (no public key, so no checkpoints)' : ` and ${verification.checkpoints.checked} checkpoints`}`
      : 'FAILED: see verification.json';
    await write('README.txt', [
      `werkbrug audit export, region ${config.region.code} (${config.region.name})`,
      `period: ${period.from} up to ${period.to} (consent-log entries by the time werkbrug decided)`,
      `written: ${io.now().toISOString()} by ${actor.user}${actor.onBehalfOf === null ? '' : ` on behalf of ${actor.onBehalfOf}`}${actor.authorisation === null ? '' : ` (${actor.authorisation})`}`,
      `consent-log entries: ${log.length}; erasures and retention purges: ${erasures.length}; checkpoints: ${covering.length}`,
      `log verification: ${verdict}`,
      ...(key === undefined ? [] : [`public key: ${publicKeyFingerprint(key.publicKey)} (${key.source})`]),
      '',
      'Files and their SHA-256 (sha256sum -c style; check with `sha256sum <file>`):',
      ...manifest,
      '',
      'How to check the entries and checkpoints yourself: docs/privacy/log-verification.md.',
      '',
    ].join('\n'));
    io.write(`audit export written to ${options.out}: ${log.length} log entries, ${erasures.length} erasures, ${covering.length} checkpoints; log ${verdict}\n`);
    return verification.ok ? 0 : 1;
  });
}
