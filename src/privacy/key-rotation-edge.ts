import type { EdgeRecord } from '../connector/connector.js';
import type { PersonWindow } from '../store/store.js';

/**
 * Key rotation at the edge (`docs/privacy/key-rotation.md`, trajectory format §2): during a
 * rotation window every draft whose `person` was made under the new key also carries
 * `person_previous`, the same person under the old key, so the store can relink that person's
 * history. The pairs come from the page's remembering pseudonymiser
 * (`Pseudonymiser.remembering()`): pseudonyms only, made in memory while the edge ran, never a BSN.
 */
export function withPersonPrevious(records: readonly EdgeRecord[], previousOf: ReadonlyMap<string, string>): EdgeRecord[] {
  if (previousOf.size === 0) return [...records];
  return records.map((record) => {
    const previous = record.draft.person === undefined ? undefined : previousOf.get(record.draft.person);
    return previous === undefined ? record : { ...record, draft: { ...record.draft, person_previous: previous } };
  });
}

/**
 * The persons to look up in the store for `persons` made under the new key: each one, and during
 * a window also its previous pseudonym, because a person not yet relinked still has its consent
 * documents and trajectories under that one (the worklist reads both; see `worklist.ts`).
 */
export function withPreviousPersons(persons: readonly string[], previousOf: ReadonlyMap<string, string>): string[] {
  return [...new Set(persons.flatMap((p) => { const previous = previousOf.get(p); return previous === undefined ? [p] : [p, previous]; }))];
}

/** What the store holds of one person under either pseudonym, as one list. */
export function underEither<T>(byPerson: ReadonlyMap<string, readonly T[]>, person: string, previousOf: ReadonlyMap<string, string>): T[] {
  const previous = previousOf.get(person);
  return [...(byPerson.get(person) ?? []), ...(previous === undefined ? [] : byPerson.get(previous) ?? [])];
}

/** One person's trajectory window over both pseudonyms: earliest start, latest end (null = still open). */
export function windowUnderEither(windows: ReadonlyMap<string, PersonWindow>, person: string, previousOf: ReadonlyMap<string, string>): PersonWindow | undefined {
  const previous = previousOf.get(person);
  const found = [windows.get(person), previous === undefined ? undefined : windows.get(previous)].filter((w): w is PersonWindow => w !== undefined);
  const [first, ...rest] = found;
  if (first === undefined) return undefined;
  return rest.reduce<PersonWindow>((a, b) => ({
    earliestStart: a.earliestStart < b.earliestStart ? a.earliestStart : b.earliestStart,
    latestEnd: a.latestEnd === null || b.latestEnd === null ? null : (a.latestEnd > b.latestEnd ? a.latestEnd : b.latestEnd),
  }), first);
}
