import { canonicalJson, sha256Hex } from '../stages/canonical-json.js';
import type { ChainVerification, ConsentLogContent, ConsentLogEntry } from '../store/store.js';

/*
 * The consent log's hash chain, format `cl1` (brief, invariant 4). Written down so that a privacy
 * officer's own script can verify an export without werkbrug:
 *
 *   - Entries are numbered `seq` = 1, 2, 3, … without gaps, in the order they were appended.
 *   - Each entry stores `prevHash`: the `hash` of entry seq-1; for entry 1 it is 64 zeros.
 *   - `hash` = lower-case hex SHA-256 of the UTF-8 bytes of
 *         prevHash + "\n" + canonicalJson(content with the member "seq": seq added)
 *     where canonicalJson sorts object keys by code point, writes no insignificant whitespace and
 *     leaves out undefined members (`src/stages/canonical-json.ts`). Content never has a member
 *     named "seq"; the entry's own seq is the one hashed. Because the hash covers seq and the
 *     previous hash, an entry changed, removed or moved breaks the chain at that place.
 *   - The head (`consent_log_head`) holds the seq and hash of the last entry, so cutting entries
 *     off the end is noticed too. A lineage reference to an entry is `cl1:` + its hash.
 *
 * Worked example: entry 1 with content {"kind":"erasure",…} hashes
 *   "000…000\n" + '{"at":…,"kind":"erasure",…,"seq":1}'.
 */

/** prevHash of entry 1. */
export const genesisHash = '0'.repeat(64);

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The head of an empty chain. */
export const genesisHead: ChainHead = { seq: 0, hash: genesisHash };

/** An entry as read back for verification: the content is whatever is stored, not trusted. */
export interface VerifiableEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly content: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The hash of an entry with this content at `seq` after `prevHash`; undefined for non-object content. */
export function entryHash(prevHash: string, seq: number, content: unknown): string | undefined {
  if (!isPlainObject(content)) return undefined;
  return sha256Hex(`${prevHash}\n${canonicalJson({ ...content, seq })}`);
}

/**
 * Chains `contents` after `head`: seq head.seq+1, head.seq+2, …, each hashed over the previous.
 * Pure; the caller must hold the head locked until the entries are stored.
 */
export function chainEntries(head: ChainHead, contents: readonly ConsentLogContent[]): ConsentLogEntry[] {
  const entries: ConsentLogEntry[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  for (const content of contents) {
    seq += 1;
    const hash = sha256Hex(`${prevHash}\n${canonicalJson({ ...content, seq })}`);
    entries.push({ seq, prevHash, hash, content });
    prevHash = hash;
  }
  return entries;
}

type Failure = { readonly firstBadSeq: number; readonly problem: 'changed' | 'removed' | 'reordered' | 'head-mismatch'; readonly detail: string };

const short = (hash: string): string => `${hash.slice(0, 12)}…`;

/**
 * The seq other than its own (nearest first, up to `upper`) at which `entry` is intact, if any:
 * an entry that is intact elsewhere was moved, not edited. Costs one hash per candidate, and runs
 * only at the first bad entry.
 */
function writtenFor(entry: VerifiableEntry, upper: number): number | undefined {
  for (let distance = 1; entry.seq + distance <= upper || entry.seq - distance >= 1; distance += 1) {
    for (const candidate of [entry.seq + distance, entry.seq - distance]) {
      if (candidate >= 1 && candidate <= upper && entryHash(entry.prevHash, candidate, entry.content) === entry.hash) return candidate;
    }
  }
  return undefined;
}

function range(from: number, to: number): string {
  return from === to ? `entry ${from} is` : `entries ${from}–${to} are`;
}

/** Why `entry`, found where entry `expected` should be, breaks the chain; undefined when it fits. */
function classify(entry: VerifiableEntry, following: VerifiableEntry | undefined, expected: number, prevHash: string, upper: number): Failure | undefined {
  if (entry.seq < expected) {
    return { firstBadSeq: entry.seq, problem: 'reordered', detail: `entry ${entry.seq} appears after entry ${expected - 1}: entries are out of order or repeated` };
  }
  if (entry.seq > expected) {
    if (following !== undefined && following.seq === expected) {
      return { firstBadSeq: expected, problem: 'reordered', detail: `entry ${entry.seq} appears before entry ${expected}: entries are out of order` };
    }
    return { firstBadSeq: expected, problem: 'removed', detail: `${range(expected, entry.seq - 1)} missing: the entry after ${expected - 1} is ${entry.seq}` };
  }
  const intact = entryHash(entry.prevHash, entry.seq, entry.content) === entry.hash;
  const linked = entry.prevHash === prevHash;
  if (intact && linked) return undefined;
  if (intact) {
    return {
      firstBadSeq: expected,
      problem: 'removed',
      detail: expected === 1
        ? `entry 1 does not start the chain (its prev-hash is ${short(entry.prevHash)}, not 64 zeros): entries before it were removed`
        : `entry ${expected} does not link to entry ${expected - 1} (prev-hash ${short(entry.prevHash)}, entry ${expected - 1} hashes to ${short(prevHash)}): an entry between them was removed, or entry ${expected - 1} was replaced`,
    };
  }
  const origin = writtenFor(entry, upper);
  if (origin !== undefined) {
    const shift = origin - expected;
    const shiftedToo = following !== undefined && entryHash(following.prevHash, following.seq + shift, following.content) === following.hash;
    if (shift > 0 && shiftedToo) {
      return { firstBadSeq: expected, problem: 'removed', detail: `${range(expected, origin - 1)} missing and the later entries were renumbered (entry ${expected} holds what was written as entry ${origin})` };
    }
    return { firstBadSeq: expected, problem: 'reordered', detail: `entry ${expected} holds the entry written as entry ${origin}: entries were swapped or moved` };
  }
  return {
    firstBadSeq: expected,
    problem: 'changed',
    detail: `entry ${expected} does not match its hash ${short(entry.hash)}: its content${linked ? '' : ', prev-hash'} or hash was changed`,
  };
}

function headFailure(head: ChainHead, lastSeq: number, lastHash: string): Failure | undefined {
  if (head.seq === lastSeq && head.hash === lastHash) return undefined;
  if (head.seq > lastSeq) {
    return { firstBadSeq: lastSeq + 1, problem: 'head-mismatch', detail: `the head says the chain ends at entry ${head.seq}, but the last entry is ${lastSeq}: ${range(lastSeq + 1, head.seq)} missing from the end` };
  }
  if (head.seq < lastSeq) {
    return { firstBadSeq: head.seq + 1, problem: 'head-mismatch', detail: `the head says the chain ends at entry ${head.seq}, but entries go on to ${lastSeq}: ${range(head.seq + 1, lastSeq)} not covered by the head` };
  }
  return { firstBadSeq: lastSeq, problem: 'head-mismatch', detail: `the head's hash ${short(head.hash)} differs from entry ${lastSeq}'s hash ${short(lastHash)}` };
}

async function* asAsync<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * Walks the entries in the order given (the store gives seq order) and names the FIRST bad one:
 * - `changed`: an entry does not match its own hash (content, prev-hash or hash edited);
 * - `removed`: a gap in the seqs, a prev-hash that does not link to the entry before, or
 *   entries renumbered after a removal;
 * - `reordered`: an entry sits at another seq than the one it was written for (swapped entries);
 * - `head-mismatch`: the chain is intact but the stored head differs from its last entry (a
 *   truncated tail, or entries added behind the head's back). Only checked when `head` is given.
 * `entries` counts the entries verified before the first bad one (all of them when ok).
 */
export async function verifyChain(
  entries: AsyncIterable<VerifiableEntry> | Iterable<VerifiableEntry>,
  head?: ChainHead,
): Promise<ChainVerification> {
  const iterator = asAsync(entries);
  let expected = 1;
  let prevHash = genesisHash;
  let verified = 0;
  let current = await iterator.next();
  while (current.done !== true) {
    const following = await iterator.next();
    // Where a moved entry may come from: up to the head, or a little past this entry without one.
    const upper = Math.max(head?.seq ?? 0, expected + 10_000);
    const failure = classify(current.value, following.done === true ? undefined : following.value, expected, prevHash, upper);
    if (failure !== undefined) return { ok: false, entries: verified, ...failure };
    verified += 1;
    expected += 1;
    prevHash = current.value.hash;
    current = following;
  }
  const lastSeq = expected - 1;
  if (head !== undefined) {
    const failure = headFailure(head, lastSeq, prevHash);
    if (failure !== undefined) return { ok: false, entries: verified, ...failure };
  }
  return { ok: true, entries: verified, headSeq: lastSeq, headHash: prevHash };
}
