import { createHash } from 'node:crypto';

/*
 * The consent log as an append-only Merkle tree, in the style of RFC 9162 (Certificate
 * Transparency 2.0) §2.1, so that one entry can be proved against a signed checkpoint without
 * handing over the whole log, and two checkpoints can be proved to describe one growing log.
 *
 *   - Leaf i (0-based) is the log entry with seq = i + 1. Its data is the entry's 32-byte `cl1`
 *     hash (the hex `hash` decoded), so the tree adds no second view of the content: whatever the
 *     chain says about an entry, the tree says too.
 *   - leaf hash = SHA-256(0x00 ‖ data); node hash = SHA-256(0x01 ‖ left ‖ right); the root of the
 *     empty tree is SHA-256 of nothing. The prefixes keep a leaf from passing for a node.
 *   - A tree of n > 1 leaves splits at k, the largest power of two smaller than n: the left
 *     subtree holds leaves 0..k-1, the right one k..n-1 (RFC 9162 §2.1.1).
 *
 * Pure. The functions take the leaves' data (any bytes; for the log, 32-byte entry hashes) and
 * throw a RangeError on an index or size outside the tree: a proof for a place that does not
 * exist is a caller's bug, not a verification failure. The verifiers never throw on bad input
 * data; they return false.
 */

export type Leaves = readonly Uint8Array[];

const leafPrefix = Buffer.from([0x00]);
const nodePrefix = Buffer.from([0x01]);

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(leafPrefix).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(nodePrefix).update(left).update(right).digest();
}

/** The root of the empty tree: SHA-256 of the empty string. */
export const emptyRoot: Buffer = createHash('sha256').digest();

/** The largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The tree over a fixed list of leaves, with every complete subtree's hash kept, level by level,
 * in one contiguous buffer per level (about 64 bytes per leaf in all). Built in one pass; after
 * that a root, an audit path or a consistency proof costs O(log² n) hashes, so `consent verify`
 * can check thousands of checkpoints against a log of millions of entries.
 */
export class MerkleTree {
  /** levels[j] holds the hashes of the complete subtrees of 2^j leaves, 32 bytes each, left to right. */
  private readonly levels: Buffer[] = [];

  private constructor(readonly size: number, leafLevel: Buffer) {
    this.levels.push(leafLevel);
    let level = leafLevel;
    while (level.length >= 64) {
      const count = Math.floor(level.length / 64);
      const next = Buffer.allocUnsafe(count * 32);
      for (let i = 0; i < count; i += 1) {
        nodeHash(level.subarray(i * 64, i * 64 + 32), level.subarray(i * 64 + 32, i * 64 + 64)).copy(next, i * 32);
      }
      this.levels.push(next);
      level = next;
    }
  }

  static fromLeaves(leaves: Leaves): MerkleTree {
    const level = Buffer.allocUnsafe(leaves.length * 32);
    leaves.forEach((data, i) => leafHash(data).copy(level, i * 32));
    return new MerkleTree(leaves.length, level);
  }

  /** From the log's entry hashes (hex, seq order): leaf data = the 32 bytes each stands for. */
  static fromEntryHashes(hashes: readonly string[]): MerkleTree {
    const level = Buffer.allocUnsafe(hashes.length * 32);
    const data = Buffer.allocUnsafe(32);
    hashes.forEach((hex, i) => {
      // A short or malformed hash would leave the previous leaf's bytes in the buffer.
      if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError(`entry hash ${i + 1} is not 64 lower-case hex characters`);
      data.write(hex, 'hex');
      leafHash(data).copy(level, i * 32);
    });
    return new MerkleTree(hashes.length, level);
  }

  private checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) throw new RangeError(`tree size ${size} is outside 0..${this.size}`);
  }

  /** MTH(D[start:end]). A left subtree in the RFC's recursion is always complete and aligned, so only the right spine is hashed. */
  private subtreeRoot(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return emptyRoot;
    const level = Math.log2(n);
    if (Number.isInteger(level) && start % n === 0) {
      const index = start / n;
      return Buffer.from((this.levels[level] as Buffer).subarray(index * 32, index * 32 + 32));
    }
    const k = splitPoint(n);
    return nodeHash(this.subtreeRoot(start, start + k), this.subtreeRoot(start + k, end));
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size: number = this.size): Buffer {
    this.checkSize(size);
    return this.subtreeRoot(0, size);
  }

  /** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, nearest the leaf first. */
  private path(m: number, start: number, end: number, out: Buffer[]): void {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, start + k, out);
      out.push(this.subtreeRoot(start + k, end));
    } else {
      this.path(m - k, start + k, end, out);
      out.push(this.subtreeRoot(start, start + k));
    }
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} is outside a tree of ${size}`);
    const out: Buffer[] = [];
    this.path(index, 0, size, out);
    return out;
  }

  /** SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1. */
  private subproof(m: number, start: number, end: number, complete: boolean, out: Buffer[]): void {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(this.subtreeRoot(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, start + k, complete, out);
      out.push(this.subtreeRoot(start + k, end));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(this.subtreeRoot(start, start + k));
    }
  }

  /**
   * The proof that the tree of the first `m` leaves is a prefix of the tree of the first `n`.
   * Empty when m = 0 or m = n (nothing to prove beyond comparing the roots).
   */
  consistencyProof(m: number, n: number = this.size): Buffer[] {
    this.checkSize(n);
    if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`older tree size ${m} is outside 0..${n}`);
    const out: Buffer[] = [];
    if (m > 0 && m < n) this.subproof(m, 0, n, true, out);
    return out;
  }
}

/** MTH of the first `size` leaves (default: all). */
export function treeRoot(leaves: Leaves, size: number = leaves.length): Buffer {
  return MerkleTree.fromLeaves(leaves).root(size);
}

/** The audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: Leaves, index: number, size: number): Buffer[] {
  return MerkleTree.fromLeaves(leaves).inclusionProof(index, size);
}

/** The proof that the tree of the first `m` leaves is a prefix of the tree of the first `n`. */
export function consistencyProof(leaves: Leaves, m: number, n: number): Buffer[] {
  return MerkleTree.fromLeaves(leaves).consistencyProof(m, n);
}

const isHash = (value: Uint8Array): boolean => value.length === 32;

/**
 * RFC 9162 §2.1.3.2: true when `proof` leads from the leaf with data `leafData` at `index` to
 * `root` in a tree of `size` leaves.
 */
export function verifyInclusion(leafData: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(root) || !proof.every(isHash)) return false;
  // BigInt: the shifts below must not wrap at 2^31 the way JavaScript's bit operators do.
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leafHash(leafData);
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

const isPowerOfTwo = (value: bigint): boolean => value > 0n && (value & (value - 1n)) === 0n;

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows that the tree of size `m` with root `firstRoot` is
 * a prefix of the tree of size `n` with root `secondRoot`. For m = n the roots must be equal and
 * the proof empty; the empty tree (m = 0, whose root is SHA-256 of nothing) is a prefix of every tree.
 */
export function verifyConsistency(m: number, n: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  if (!isHash(firstRoot) || !isHash(secondRoot) || !proof.every(isHash)) return false;
  if (m === 0) return proof.length === 0 && Buffer.from(firstRoot).equals(emptyRoot);
  if (m === n) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(BigInt(m)) ? [firstRoot, ...proof] : [...proof];
  let fn = BigInt(m - 1);
  let sn = BigInt(n - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = Buffer.from(path[0] as Uint8Array);
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0n;
}
