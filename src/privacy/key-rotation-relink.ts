import type { ConsentLogContent, PersonRelink, RelinkCounts, StoreTx } from '../store/store.js';
import type { DraftRecord } from '../trajectory/trajectory-record.js';

/**
 * Relinking a person across a key rotation (`docs/privacy/key-rotation.md`), inside the caller's
 * store transaction: the store moves the rows (`src/store/key-rotation-store.ts`) and the consent
 * log gets ONE `relink` entry per person whose rows moved (person = the new pseudonym,
 * `detail.previous` = the old one, and what moved, as counts), so an access request or an audit
 * can follow a person across the rotation. The log's older entries keep the old pseudonym: it is
 * append-only. Used by ingest (pairs from `person_previous`) and by `privacy rotation sweep`.
 */
export interface RelinkScope {
  readonly at: string;
  readonly partnerId: string;
  readonly runId: string | null;
  readonly batchId: string | null;
}

/** The (new, old) pairs a page carries: every draft with `person_previous`. */
export function relinkPairsOf(records: readonly { readonly draft: DraftRecord }[]): PersonRelink[] {
  const pairs = new Map<string, PersonRelink>();
  for (const { draft } of records) {
    if (draft.person !== undefined && draft.person_previous !== undefined) pairs.set(draft.person_previous, { person: draft.person, previous: draft.person_previous });
  }
  return [...pairs.values()];
}

/**
 * The records without `person_previous`: the pair has done its work once relinked, and a stored
 * record or pending draft must not keep it (trajectory format §2). New objects, so no hash
 * remembered for the old draft (`draft-hash.ts`) is ever used for the stored one.
 */
export function withoutPersonPrevious<T extends { readonly draft: DraftRecord }>(records: readonly T[]): T[] {
  return records.map((record) => {
    if (record.draft.person_previous === undefined) return record;
    const { person_previous: _dropped, ...draft } = record.draft;
    return { ...record, draft };
  });
}

function relinkEntry(scope: RelinkScope, person: string, previous: string, counts: RelinkCounts): ConsentLogContent {
  return {
    kind: 'relink',
    at: scope.at,
    partnerId: scope.partnerId,
    person,
    recordRef: null,
    outcome: 'relink',
    purposes: [],
    runId: scope.runId,
    batchId: scope.batchId,
    detail: { previous, ...counts },
  };
}

/** Relinks the pairs whose old pseudonym still has rows and logs them; returns the persons relinked. */
export async function relinkAndLog(tx: StoreTx, pairs: readonly PersonRelink[], scope: RelinkScope): Promise<number> {
  if (pairs.length === 0) return 0;
  const moved = await tx.relinkPersons(pairs);
  if (moved.size === 0) return 0;
  const previousOf = new Map(pairs.map((p) => [p.person, p.previous]));
  const entries = [...moved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([person, counts]) => {
    const previous = previousOf.get(person);
    return previous === undefined ? [] : [relinkEntry(scope, person, previous, counts)];
  });
  await tx.appendConsentLog(entries);
  return entries.length;
}
