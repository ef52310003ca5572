import type { Cursor, EdgeRecord, PersonSnapshot, Rejection } from '../connector/connector.js';
import type { PartnerHttp } from '../connector/partner-http.js';
import { ContractFailure } from './contract-failure.js';
import type { KitSession } from './kit-session.js';

/**
 * A pull of every stream the way the pull job runs one (`jobs/pull.ts`): from a cursor (undefined:
 * the beginning) to the page marked `last`, the edge run on each page, everything the edge emits
 * kept for the checks. Streams go in `describe()` order, consent first as the core does. A stream
 * may yield no page at all; once it yields pages, the last one must say so (`last`).
 */
export interface PageTally {
  readonly stream: string;
  readonly index: number;
  readonly read: number;
  /** Absorbed by the pull (cursor overlap, repeated page) plus absorbed by the edge. */
  readonly absorbed: number;
  readonly records: number;
  readonly rejections: number;
  readonly last: boolean;
  /** The `record_ref`s of the page's drafts, in order. */
  readonly refs: readonly string[];
  /** The page's cursor. */
  readonly cursor: Cursor;
}

export interface PullOutcome {
  readonly records: EdgeRecord[];
  readonly rejections: Rejection[];
  /** The cursor of each stream's last page. */
  readonly cursors: Record<string, Cursor>;
  readonly snapshots: PersonSnapshot[];
  readonly personCounts: Record<string, number>;
  readonly pages: PageTally[];
}

export interface PullOptions {
  readonly pageSize?: number;
  /** Start cursors per stream (absent: the beginning). */
  readonly from?: Readonly<Record<string, Cursor | undefined>>;
  /** Per stream, `PullContext.until` (absent: unbounded). Only for connectors that declare `bounded`. */
  readonly until?: Readonly<Record<string, Cursor | undefined>>;
  readonly http?: PartnerHttp;
  /** Called before each stream is pulled (the fault checks arm their rule here). */
  readonly beforeStream?: (stream: string) => Promise<void>;
}

/** Past this many pages a stream is taken to loop (a repeated cursor or a `next` that never ends). */
export const maxPagesPerStream = 2_000;

export async function pullAll<Config>(session: KitSession<Config>, options: PullOptions = {}): Promise<PullOutcome> {
  const { subject } = session;
  const config = session.config(options.pageSize);
  const http = options.http ?? session.http(config);
  const context = session.pullContext();
  const outcome: PullOutcome = { records: [], rejections: [], cursors: {}, snapshots: [], personCounts: {}, pages: [] };
  for (const { name: stream } of subject.connector.describe(config).streams) {
    await options.beforeStream?.(stream);
    let index = 0;
    let ended = false;
    const until = options.until?.[stream];
    for await (const page of subject.connector.pull(config, stream, options.from?.[stream], http, until === undefined ? context : { ...context, until })) {
      index += 1;
      if (page.stream !== stream) throw new ContractFailure(`stream ${stream} page ${index}: expected page.stream "${stream}", got "${page.stream}"`);
      const edge = subject.connector.edge(page, session.edgeContext);
      outcome.records.push(...edge.records);
      outcome.rejections.push(...edge.rejections);
      outcome.snapshots.push(...(edge.snapshots ?? []));
      for (const [key, n] of Object.entries(edge.personCounts ?? {})) outcome.personCounts[key] = (outcome.personCounts[key] ?? 0) + n;
      outcome.cursors[stream] = page.cursor;
      outcome.pages.push({
        stream, index, read: page.read, absorbed: page.absorbed + edge.absorbed, records: edge.records.length, rejections: edge.rejections.length, last: page.last,
        refs: refsOf(edge.records), cursor: page.cursor,
      });
      if (page.last) {
        ended = true;
        break;
      }
      if (index >= maxPagesPerStream) throw new ContractFailure(`stream ${stream}: no page marked last after ${maxPagesPerStream} pages (a loop?)`);
    }
    // A stream with nothing to say may yield no page at all; one that yields pages ends with `last`.
    if (!ended && index > 0) throw new ContractFailure(`stream ${stream}: expected the last page to be marked last, got ${index} pages, none marked last`);
  }
  return outcome;
}

export function refsOf(records: readonly EdgeRecord[]): string[] {
  return records.map((record) => record.draft.source.record_ref);
}
