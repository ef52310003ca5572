import type { KeyObject } from 'node:crypto';
import type { ChainVerification, Store } from '../store/store.js';
import { readCheckpointFolder } from './checkpoint-folder.js';
import { verifyCheckpoints, type CheckpointsVerification } from './checkpoint-verification.js';
import { readLogTree } from './log-tree.js';

/**
 * The whole check behind `werkbrug consent verify` and the audit export: the hash chain (an entry
 * changed, removed or reordered) and every signed checkpoint in a folder (a log rewritten and
 * re-chained, a tail cut off with its head, entries removed that a checkpoint covered).
 */
export interface LogVerification {
  readonly ok: boolean;
  readonly chain: ChainVerification;
  /** The NEN 7513 access log's own hash chain (its head is also in each checkpoint). */
  readonly accessLog: ChainVerification;
  /** Undefined when there was no public key to check signatures with; then only the chain was checked. */
  readonly checkpoints: (CheckpointsVerification & { readonly dir: string }) | undefined;
}

/** The access log's entry hashes in seq order (index i = entry i + 1), read a page at a time. */
async function accessLogHashes(store: Store): Promise<string[]> {
  const hashes: string[] = [];
  for (let afterSeq = 0; ;) {
    const page = await store.readAccessLog({ afterSeq, limit: 5000 });
    for (const entry of page) hashes[entry.seq - 1] = entry.hash;
    const last = page[page.length - 1];
    if (last === undefined || page.length < 5000) return hashes;
    afterSeq = last.seq;
  }
}

export async function verifyLog(store: Store, checkpointDir: string, publicKey: KeyObject | undefined): Promise<LogVerification> {
  const chain = await store.verifyConsentLog();
  const accessLog = await store.verifyAccessLog();
  if (publicKey === undefined) return { ok: chain.ok && accessLog.ok, chain, accessLog, checkpoints: undefined };
  const folder = await readCheckpointFolder(checkpointDir);
  const log = await readLogTree(store);
  const checkpoints = { dir: checkpointDir, ...verifyCheckpoints(log, folder.checkpoints, folder.unreadable, publicKey, await accessLogHashes(store)) };
  return { ok: chain.ok && accessLog.ok && checkpoints.ok, chain, accessLog, checkpoints };
}
