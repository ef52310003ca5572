import type { Config } from '../config/schema.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import { checkpointFormat, signCheckpoint, type Checkpoint } from './checkpoint.js';
import { deliverCheckpoint, type Delivery, type WebhookRetry } from './checkpoint-delivery.js';
import { latestCheckpoint, readCheckpointFolder, writeCheckpointFile } from './checkpoint-folder.js';
import { resolveSigningKey } from './checkpoint-key.js';
import { chainHeadAt, readLogTree } from './log-tree.js';

/**
 * Writes a signed checkpoint of the consent log: the core calls this at the end of every region
 * sync, `werkbrug consent checkpoint` on demand. It signs only a log that verifies: the chain
 * must be intact and the log must still match the newest checkpoint in the folder (a checkpoint
 * over a rewritten log would vouch for the rewrite).
 */
export interface WriteCheckpointOptions {
  readonly store: Store;
  readonly config: Pick<Config, 'region' | 'privacy' | 'store'>;
  readonly env: NodeJS.ProcessEnv;
  readonly now: Date;
  readonly logger: Logger;
  /** Without a key in the environment, use (or create) the demo key beside the embedded store. Only the demo sets this. */
  readonly demo?: boolean;
  /** Write even when the log grew by less than `everyEntries` since the last checkpoint (on demand). */
  readonly force?: boolean;
  /** Webhook retries; the defaults suit production (4 attempts from 500 ms). */
  readonly webhookRetry?: WebhookRetry;
}

export type WriteCheckpointResult =
  | { readonly written: false; readonly treeSize: number; readonly lastTreeSize: number; readonly reason: string }
  | {
    readonly written: true;
    readonly checkpoint: Checkpoint;
    /** The file in `privacy.checkpoints.dir`. */
    readonly file: string;
    /** Partner copies and webhooks; a failed one is also logged at error. */
    readonly deliveries: readonly Delivery[];
    /** Set when the demo key was used or created. */
    readonly keyNote?: string;
  };

/**
 * Computes the Merkle tree over the whole log, signs it, writes `checkpoint-<treeSize>-<time>.json`
 * atomically into `privacy.checkpoints.dir`, then into every partner's folder and to every
 * webhook. Throws WB_CONFIG_SECRET_MISSING / WB_CONSENT_CHECKPOINT_KEY_INVALID without a usable
 * key, WB_CONSENT_LOG_BROKEN when the log fails verification; a failed delivery does not throw
 * (see `deliveries`).
 */
export async function writeCheckpoint(options: WriteCheckpointOptions): Promise<WriteCheckpointResult> {
  const { store, config, env, logger } = options;
  const settings = config.privacy.checkpoints;
  const { key, note } = resolveSigningKey(settings, config.store.embeddedDir, env, options.demo ?? false);
  if (note !== undefined) logger.warn({ keyId: key.keyId }, note);

  const chain = await store.verifyConsentLog();
  if (!chain.ok) {
    throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `no checkpoint signed: entry #${chain.firstBadSeq} ${chain.problem}: ${chain.detail}` });
  }
  // The chain was verified up to its head; entries appended since wait for the next checkpoint.
  const log = await readLogTree(store, chain.headSeq);
  const treeSize = log.hashes.length;
  const chainHead = chainHeadAt(log, treeSize) ?? '';
  if (treeSize !== chain.headSeq || chainHead !== chain.headHash) {
    throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `no checkpoint signed: the log changed while it was read (head #${chain.headSeq}, read ${treeSize} entries)` });
  }

  // The access log is signed along (its head), so it is protected like the consent log.
  const access = await store.verifyAccessLog();
  if (!access.ok) {
    throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `no checkpoint signed: the access log fails verification at entry #${access.firstBadSeq} (${access.problem})` });
  }

  const folder = await readCheckpointFolder(settings.dir);
  const last = latestCheckpoint(folder)?.checkpoint;
  if (last !== undefined) {
    const matches = last.treeSize <= treeSize && log.tree.root(last.treeSize).toString('hex') === last.rootHash;
    if (!matches) {
      throw new WerkbrugError('WB_CONSENT_LOG_BROKEN', { detail: `no checkpoint signed: the log no longer matches the checkpoint of ${last.time} over ${last.treeSize} entries; run werkbrug consent verify` });
    }
    const grown = treeSize - last.treeSize;
    if (!(options.force ?? false) && grown < settings.everyEntries) {
      return { written: false, treeSize, lastTreeSize: last.treeSize, reason: `the log grew by ${grown} entries since the last checkpoint; privacy.checkpoints.everyEntries is ${settings.everyEntries}` };
    }
  }

  const checkpoint = signCheckpoint({
    format: checkpointFormat,
    region: config.region.code,
    treeSize,
    rootHash: log.tree.root().toString('hex'),
    chainHead,
    time: options.now.toISOString(),
    keyId: key.keyId,
    accessLog: { size: access.headSeq, head: access.headHash },
  }, key.privateKey);
  const file = await writeCheckpointFile(settings.dir, checkpoint);
  logger.info({ treeSize, keyId: key.keyId, file }, 'checkpoint written');
  const deliveries = await deliverCheckpoint(checkpoint, settings, env, logger, options.webhookRetry);
  return { written: true, checkpoint, file, deliveries, ...(note !== undefined ? { keyNote: note } : {}) };
}
