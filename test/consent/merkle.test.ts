import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof, emptyRoot, inclusionProof, MerkleTree, treeRoot, verifyConsistency, verifyInclusion,
} from '../../src/consent/merkle.js';

/*
 * The Merkle tree against RFC 9162 §2.1, independently of the code under test: the reference root
 * below builds the tree level by level (pairing left to right and carrying an odd last node up
 * unchanged), which yields the same tree as the RFC's split at the largest power of two.
 */
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leaf = (data: Uint8Array): Buffer => sha256(Buffer.from([0]), data);
const node = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);

function referenceRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  let level = leaves.map(leaf);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? (level[i] as Buffer) : node(level[i] as Buffer, right));
    }
    level = next;
  }
  return level[0] as Buffer;
}

/** Entry hashes as the log has them: 32 bytes each. */
const entries = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => sha256(Buffer.from(`entry ${i + 1}`)));
const all = entries(40);
const flip = (hash: Uint8Array): Buffer => {
  const copy = Buffer.from(hash);
  copy[0] = (copy[0] ?? 0) ^ 1;
  return copy;
};

describe('treeRoot', () => {
  it('is SHA-256 of nothing for the empty tree', () => {
    expect(treeRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(emptyRoot.equals(sha256())).toBe(true);
  });

  it('matches a tree of three entries hashed by hand', () => {
    const [a, b, c] = all as [Buffer, Buffer, Buffer];
    expect(treeRoot([a, b, c]).toString('hex')).toBe(node(node(leaf(a), leaf(b)), leaf(c)).toString('hex'));
  });

  it('matches the published Certificate Transparency test vectors for sizes 1..8', () => {
    // Leaves and roots as in the RFC 6962 reference tests (google/certificate-transparency, merkle_tree_test).
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    roots.forEach((root, i) => expect(treeRoot(data, i + 1).toString('hex')).toBe(root));
  });

  it('equals the level-by-level reference for every size 0..40, from the leaves and from hex entry hashes', () => {
    const tree = MerkleTree.fromEntryHashes(all.map((h) => h.toString('hex')));
    for (let n = 0; n <= 40; n += 1) {
      const expected = referenceRoot(all.slice(0, n)).toString('hex');
      expect(treeRoot(all, n).toString('hex')).toBe(expected);
      expect(tree.root(n).toString('hex')).toBe(expected);
    }
  });

  it('refuses a size beyond the leaves', () => {
    expect(() => treeRoot(all, 41)).toThrow(RangeError);
  });
});

describe('inclusionProof and verifyInclusion', () => {
  it('proves every index of every tree of 1..40 entries, and no proof survives a changed leaf, index, node or root', () => {
    const tree = MerkleTree.fromLeaves(all);
    for (let n = 1; n <= 40; n += 1) {
      const root = referenceRoot(all.slice(0, n));
      for (let i = 0; i < n; i += 1) {
        const proof = inclusionProof(all, i, n);
        expect(tree.inclusionProof(i, n)).toEqual(proof);
        const data = all[i] as Buffer;
        expect(verifyInclusion(data, i, n, proof, root)).toBe(true);
        expect(verifyInclusion(flip(data), i, n, proof, root)).toBe(false);
        expect(verifyInclusion(data, i, n, proof, flip(root))).toBe(false);
        if (n > 1) expect(verifyInclusion(data, (i + 1) % n, n, proof, root)).toBe(false);
        proof.forEach((_, p) => {
          const bent = proof.map((h, q) => (q === p ? flip(h) : h));
          expect(verifyInclusion(data, i, n, bent, root)).toBe(false);
        });
        expect(verifyInclusion(data, i, n, [...proof, root], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(data, i, n, proof.slice(0, -1), root)).toBe(false);
      }
    }
  });

  it('rejects an index outside the tree', () => {
    expect(() => inclusionProof(all, 5, 5)).toThrow(RangeError);
    expect(verifyInclusion(all[0] as Buffer, 5, 5, [], treeRoot(all, 5))).toBe(false);
  });
});

describe('consistencyProof and verifyConsistency', () => {
  it('proves every older size m ≤ n for every n ≤ 40, and fails for a changed root or proof node', () => {
    const tree = MerkleTree.fromLeaves(all);
    const roots = Array.from({ length: 41 }, (_, n) => referenceRoot(all.slice(0, n)));
    for (let n = 0; n <= 40; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        const proof = consistencyProof(all, m, n);
        expect(tree.consistencyProof(m, n)).toEqual(proof);
        const first = roots[m] as Buffer;
        const second = roots[n] as Buffer;
        expect(verifyConsistency(m, n, first, second, proof)).toBe(true);
        // m = 0 too: only the empty tree's root is a prefix of everything, not any root.
        expect(verifyConsistency(m, n, flip(first), second, proof)).toBe(false);
        if (m > 0) expect(verifyConsistency(m, n, first, flip(second), proof)).toBe(false);
        proof.forEach((_, p) => {
          const bent = proof.map((h, q) => (q === p ? flip(h) : h));
          expect(verifyConsistency(m, n, first, second, bent)).toBe(false);
        });
      }
    }
  });

  it('finds a log that was rewritten between two checkpoints', () => {
    const rewritten = [...all.slice(0, 20), flip(all[20] as Buffer), ...all.slice(21)];
    const older = treeRoot(all, 25);
    const proof = consistencyProof(rewritten, 25, 40);
    expect(verifyConsistency(25, 40, older, treeRoot(rewritten, 40), proof)).toBe(false);
  });
});
