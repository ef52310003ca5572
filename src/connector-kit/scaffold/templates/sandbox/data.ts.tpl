import { CAST, CAST_INVALID, canaryPersons, fullName, generatedPerson, type Canaries, type SandboxPerson } from '@werkbrug/sandbox/index.js';

/**
 * What the sandbox serves: one placement per person, for the shared cast (`partners/README.md` §1),
 * generated persons from the same seed as every other sandbox, canary persons when asked, and in
 * the `edge-cases` scenario one record per edge case, each under a stable id. Records are stamped
 * one minute apart on the virtual clock, so `updatedAt` orders them and a change made later is
 * newer than all of them.
 */
export type PlacementFields = Readonly<Record<string, string | number>>;

export interface PlacementVersion {
  readonly id: string;
  readonly version: number;
  readonly updatedAtMs: number;
  readonly fields: PlacementFields;
}

export interface EdgeCase {
  readonly id: string;
  readonly reason: 'bsn-invalid' | 'bsn-missing' | 'invalid-date';
  readonly field: string;
  readonly what: string;
}

export const EDGE_CASES: readonly EdgeCase[] = [
  { id: 'edge-bsn-invalid', reason: 'bsn-invalid', field: 'bsn', what: 'BSN 999990010 (X1), failing the 11-proef' },
  { id: 'edge-bsn-missing', reason: 'bsn-missing', field: 'bsn', what: 'no BSN at all' },
  { id: 'edge-invalid-date', reason: 'invalid-date', field: 'startDate', what: 'startDate 2025-02-30' },
];

/** The latest version of every placement, in memory. */
export class PlacementStore {
  readonly #latest = new Map<string, PlacementVersion>();

  /** Stores the next version of `id` at `atMs`. */
  put(id: string, fields: PlacementFields, atMs: number): PlacementVersion {
    const version: PlacementVersion = { id, version: (this.#latest.get(id)?.version ?? 0) + 1, updatedAtMs: atMs, fields };
    this.#latest.set(id, version);
    return version;
  }

  get(id: string): PlacementVersion | undefined {
    return this.#latest.get(id);
  }

  /** Versions updated at or after `sinceMs`, by `updatedAt` then id (the order pages are cut in). */
  list(sinceMs?: number): PlacementVersion[] {
    return [...this.#latest.values()]
      .filter((version) => sinceMs === undefined || version.updatedAtMs >= sinceMs)
      .sort((a, b) => a.updatedAtMs - b.updatedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

export interface DataOptions {
  readonly scenario: 'default' | 'edge-cases';
  /** Persons in all, the cast of nine included. */
  readonly persons: number;
  readonly seed: number;
  readonly clockMs: number;
  readonly canaries?: Canaries;
  /** Serve nothing at all. */
  readonly empty: boolean;
}

export interface Dataset {
  readonly store: PlacementStore;
  /** Everyone whose clear data is served, for privacy tests. */
  readonly persons: readonly SandboxPerson[];
  readonly edgeCases: readonly EdgeCase[];
}

const EMPLOYERS = ['Bakkerij De Korenaar', 'Fietsenmakerij Oost', 'Zorghotel Amelisweerd', 'Groenbedrijf De Linde'];

function fieldsOf(person: SandboxPerson, n: number, note: string | undefined): Record<string, string | number> {
  const month = String(1 + (n % 12)).padStart(2, '0');
  return {
    bsn: person.bsn, name: fullName(person), birthDate: person.birthDate, street: `${person.street} ${person.houseNumber}`,
    employerName: EMPLOYERS[n % EMPLOYERS.length] ?? 'Werkgever', startDate: `2025-${month}-01`, hoursPerWeek: 8 + ((n * 7) % 30),
    ...(n % 3 === 0 ? { endDate: '2025-12-31' } : {}), ...(note !== undefined ? { note } : {}),
  };
}

export function loadPlacements(options: DataOptions): Dataset {
  const store = new PlacementStore();
  if (options.empty) return { store, persons: [], edgeCases: [] };
  const generated = Array.from({ length: Math.max(0, options.persons - CAST.length) }, (_, i) => generatedPerson(options.seed, i + 1));
  const canaries = canaryPersons(options.canaries);
  const rows: Array<readonly [string, Record<string, string | number>]> = [
    ...[...CAST, ...generated].map((person, n) => [`pl-${person.key}`, fieldsOf(person, n, undefined)] as const),
    ...canaries.map((person, n) => [`pl-${person.key}`, fieldsOf(person, n, options.canaries?.notes?.[0])] as const),
  ];
  const persons: SandboxPerson[] = [...CAST, ...generated, ...canaries];
  if (options.scenario === 'edge-cases') {
    const [x1] = CAST_INVALID;
    const missing = generatedPerson(options.seed ^ 0xed6e, 1);
    const badDate = generatedPerson(options.seed ^ 0xed6e, 2);
    if (x1) rows.push(['edge-bsn-invalid', fieldsOf(x1, 1, undefined)]);
    const { bsn: _bsn, ...withoutBsn } = fieldsOf(missing, 2, undefined);
    rows.push(['edge-bsn-missing', withoutBsn], ['edge-invalid-date', { ...fieldsOf(badDate, 3, undefined), startDate: '2025-02-30' }]);
    persons.push(...(x1 ? [x1] : []), missing, badDate);
  }
  // The newest record one hour before the clock, one minute apart.
  rows.forEach(([id, fields], i) => store.put(id, fields, options.clockMs - 3_600_000 - (rows.length - i) * 60_000));
  return { store, persons, edgeCases: options.scenario === 'edge-cases' ? EDGE_CASES : [] };
}
