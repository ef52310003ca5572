import type { JsonObject } from './fhir-json.js';

/**
 * The sandbox EPD's versioned resources. Search works on compact {@link SearchFacts}, so generated
 * resources (the volume scenario has ~400k) are only built as JSON when a page serves them.
 * A version is immutable once stored: a change is a new version, so a frozen result set keeps
 * serving exactly what it found.
 */
export interface SearchFacts {
  /** Token values per search parameter, each `system|code` (`|code` when there is no system). */
  readonly tokens: Readonly<Record<string, readonly string[]>>;
  /** Id of the referenced Patient (subject/patient), when it is a resolvable reference. */
  readonly patient?: string;
  /** The range of the type's date parameter (`authored`, `date`) as `[from, to)` epoch ms. */
  readonly range?: readonly [number, number];
}

/** Where a built resource lives, for absolute references (edge case E09) and fullUrls. */
export interface BuildContext {
  readonly origin: string;
}

/** How a version behaves on pages beyond plain serving (edge cases E16, E18, E27). */
export interface ServingFlags {
  /** Served again at the top of the next page, as offset paging does when a row shifts (E16). */
  readonly repeatOnNextPage?: boolean;
  /** What the repeat carries when it differs (same id and versionId, other content: E18). */
  readonly repeatBody?: (context: BuildContext) => JsonObject;
  /** A page holding this resource starts with a UTF-8 byte-order mark (E27). */
  readonly bom?: boolean;
}

export interface StoredVersion {
  readonly type: string;
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdatedMs: number;
  /** A deletion marker: what `_history` lists as DELETE and a read answers 410 for. */
  readonly deleted: boolean;
  readonly facts: SearchFacts;
  readonly serving?: ServingFlags;
  /** The resource as served, `meta` included. Never called on a deletion. */
  body(context: BuildContext): JsonObject;
}

/** Ascending `lastUpdated`, ties by id ascending (`partners/ggz-fhir-r4.md` §1.1). */
export function byLastUpdatedThenId(a: StoredVersion, b: StoredVersion): number {
  return a.lastUpdatedMs - b.lastUpdatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Newest first for `_history`, ties by id ascending. */
export function newestFirst(a: StoredVersion, b: StoredVersion): number {
  return b.lastUpdatedMs - a.lastUpdatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || Number(b.versionId) - Number(a.versionId);
}

export class ResourceStore {
  private readonly current = new Map<string, Map<string, StoredVersion>>();
  private readonly older = new Map<string, StoredVersion[]>();
  private readonly sorted = new Map<string, StoredVersion[]>();
  private readonly history = new Map<string, StoredVersion[]>();

  /** Stores a version as the current one; the one it replaces stays readable by vread and `_history`. */
  put(version: StoredVersion): void {
    let byId = this.current.get(version.type);
    if (!byId) {
      byId = new Map();
      this.current.set(version.type, byId);
    }
    const previous = byId.get(version.id);
    if (previous) {
      const key = `${version.type}/${version.id}`;
      const list = this.older.get(key) ?? [];
      list.push(previous);
      this.older.set(key, list);
    }
    byId.set(version.id, version);
    this.sorted.delete(version.type);
    this.history.delete(version.type);
  }

  /** The latest version, a deletion marker included. */
  latest(type: string, id: string): StoredVersion | undefined {
    return this.current.get(type)?.get(id);
  }

  /** A live (not deleted) resource. */
  live(type: string, id: string): StoredVersion | undefined {
    const version = this.latest(type, id);
    return version && !version.deleted ? version : undefined;
  }

  versions(type: string, id: string): StoredVersion[] {
    const latest = this.latest(type, id);
    return latest ? [...(this.older.get(`${type}/${id}`) ?? []), latest] : [];
  }

  /** Live resources of a type in search order. The array is shared: never change it. */
  list(type: string): readonly StoredVersion[] {
    let list = this.sorted.get(type);
    if (!list) {
      list = [...(this.current.get(type)?.values() ?? [])].filter((version) => !version.deleted).sort(byLastUpdatedThenId);
      this.sorted.set(type, list);
    }
    return list;
  }

  /** Every retained version of a type, deletions included, newest first. */
  historyOf(type: string): readonly StoredVersion[] {
    let list = this.history.get(type);
    if (!list) {
      const all: StoredVersion[] = [...(this.current.get(type)?.values() ?? [])];
      for (const [key, versions] of this.older) if (key.startsWith(`${type}/`)) all.push(...versions);
      list = all.sort(newestFirst);
      this.history.set(type, list);
    }
    return list;
  }

  /** The latest version of every resource of a type, deletion markers included, in search order. */
  latestOfType(type: string): StoredVersion[] {
    return [...(this.current.get(type)?.values() ?? [])].sort(byLastUpdatedThenId);
  }

  types(): string[] {
    return [...this.current.keys()].sort();
  }

  /** Live resources per type. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.types().map((type) => [type, this.list(type).length]));
  }
}
