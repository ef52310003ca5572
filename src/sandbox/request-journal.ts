import { createHash } from 'node:crypto';

/**
 * What a sandbox records of each partner request, for tests and people: never a body, never a
 * query string (a FHIR point lookup carries a BSN there), and a BSN only as a hash, so "UWV was
 * never asked about P4" can be checked without the journal holding the BSN.
 */
export interface JournalEntry {
  readonly seq: number;
  /** Real wall-clock time the request arrived (UTC), for matching against logs. */
  readonly time: string;
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly operation: string | null;
  readonly requestId: string | null;
  readonly bsnHash: string | null;
  /** Status line sent; null while in flight or when none was sent (hang, reset). */
  readonly status: number | null;
  /** `http-error`, `delay`, … and where it came from: `f3` (a rule) or `header`. */
  readonly fault: { readonly type: string; readonly source: string } | null;
  readonly outcome: 'in-flight' | 'sent' | 'client-closed' | 'hang' | 'reset' | 'truncated';
  readonly durationMs: number | null;
}

export interface JournalStart {
  readonly method: string;
  readonly path: string;
  readonly operation?: string;
  readonly requestId?: string;
  readonly bsn?: string;
}

/** `sha256:` + hex of the BSN as asked: the form the journal keeps and tests compare against. */
export function hashBsn(bsn: string): string {
  return `sha256:${createHash('sha256').update(bsn, 'utf8').digest('hex')}`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class RequestJournal {
  private entries: Array<Mutable<JournalEntry>> = [];
  private seq = 0;

  /** @param capacity oldest entries are dropped past this many (a volume run makes thousands). */
  constructor(private readonly capacity = 10_000) {}

  /** Records an arriving request; call the returned function once the exchange is over. */
  start(request: JournalStart, fault?: JournalEntry['fault']): (status: number | null, outcome: JournalEntry['outcome']) => void {
    const startedAt = performance.now();
    this.seq += 1;
    const entry: Mutable<JournalEntry> = {
      seq: this.seq,
      time: new Date().toISOString(),
      method: request.method,
      path: request.path,
      operation: request.operation ?? null,
      requestId: request.requestId ?? null,
      bsnHash: request.bsn === undefined ? null : hashBsn(request.bsn),
      status: null,
      fault: fault ?? null,
      outcome: 'in-flight',
      durationMs: null,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return (status, outcome) => {
      entry.status = status;
      entry.outcome = outcome;
      entry.durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
    };
  }

  /** The last `limit` entries, oldest first. */
  list(limit = 100): JournalEntry[] {
    return this.entries.slice(Math.max(0, this.entries.length - limit)).map((entry) => ({ ...entry }));
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
    this.seq = 0;
  }
}
