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
  /** Undefined when there was no public key to check signatures with; then only the chain was checked. */
  readonly checkpoints: (CheckpointsVerification & { readonly dir: string }) | undefined;
}

export async function verifyLog(store: Store, checkpointDir: string, publicKey: KeyObject | undefined): Promise<LogVerification> {
  const chain = await store.verifyConsentLog();
  if (publicKey === undefined) return { ok: chain.ok, chain, checkpoints: undefined };
  const folder = await readCheckpointFolder(checkpointDir);
  const log = await readLogTree(store);
  const checkpoints = { dir: checkpointDir, ...verifyCheckpoints(log, folder.checkpoints, folder.unreadable, publicKey) };
  return { ok: chain.ok && checkpoints.ok, chain, checkpoints };
}
