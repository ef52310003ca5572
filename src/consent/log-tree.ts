import type { Store } from '../store/store.js';
import { genesisHash } from './consent-log-chain.js';
import { MerkleTree } from './merkle.js';

/**
 * The consent log's Merkle tree as the store holds it now: the entries' `cl1` hashes in seq
 * order, read a page at a time, with nothing but the hashes kept (about 100 bytes per entry with
 * the tree's levels). The tree is over the rows as they are: a row removed behind werkbrug's back
 * shifts every later leaf, which is exactly what a checkpoint taken before then will show.
 */
export interface LogTree {
  readonly tree: MerkleTree;
  /** Hex `cl1` hash of entry i+1 at index i. */
  readonly hashes: readonly string[];
  /** True when the rows are numbered 1, 2, 3 … without a gap (the chain check says more). */
  readonly contiguous: boolean;
}

const pageSize = 10_000;

/** Reads the log's hashes, at most up to `upToSeq` when given. */
export async function readLogTree(store: Pick<Store, 'readConsentLogHashes'>, upToSeq?: number): Promise<LogTree> {
  const hashes: string[] = [];
  let contiguous = true;
  let fromSeq = 1;
  for (;;) {
    const limit = upToSeq === undefined ? pageSize : Math.min(pageSize, upToSeq - fromSeq + 1);
    if (limit <= 0) break;
    const rows = await store.readConsentLogHashes({ fromSeq, limit });
    for (const row of rows) {
      if (row.seq !== hashes.length + 1) contiguous = false;
      hashes.push(row.hash);
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < limit) break;
    fromSeq = last.seq + 1;
  }
  return { tree: MerkleTree.fromEntryHashes(hashes), hashes, contiguous };
}

/** The `cl1` hash of the entry at `treeSize` (the genesis hash for the empty log). */
export function chainHeadAt(log: LogTree, treeSize: number): string | undefined {
  return treeSize === 0 ? genesisHash : log.hashes[treeSize - 1];
}
