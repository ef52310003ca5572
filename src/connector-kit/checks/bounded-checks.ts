import type { Cursor, EdgeRecord } from '../../connector/connector.js';
import type { ContractCheck } from '../contract-check.js';
import { duplicatesOf, ensure, ensureSameSet, someOf } from '../contract-failure.js';
import type { ContractSubject } from '../contract-subject.js';
import { pullAll, refsOf, type PageTally, type PullOutcome } from '../full-pull.js';
import { withSession, type KitSession } from '../kit-session.js';

/**
 * Bounded pulls (issue 6: `werkbrug replay` and `werkbrug backfill`), for connectors that declare
 * `bounded`. A pull from the beginning with `until` = the cursor after page k of a stream yields
 * exactly that stream's records of pages 1..k, and a pull from where it ended yields exactly the
 * rest. With `windowCursor`, two adjacent windows together are the full pull: the first (from the
 * beginning, until the border's cursor) holds exactly what was modified up to the border
 * (`source.modified_at`), the second (from the border's cursor) everything modified at or after it
 * and possibly some before (a cursor may read an overlap before its instant).
 *
 * Where the cut goes: the first page boundary of a stream with more than one page whose records
 * on either side have different `source.modified_at` (records changed at one instant cannot be
 * told apart by a time cursor; records without `modified_at`, such as numbered mutations, always
 * cut). A `deletions` stream is cut only at its end: its cursor moves with its last page.
 */
interface Cut {
  readonly stream: string;
  /** The pages the bounded pull must yield the records of (1..pages). */
  readonly pages: number;
  readonly of: number;
  readonly until: Cursor;
  readonly expected: readonly string[];
}

function modifiedAt(records: readonly EdgeRecord[]): Map<string, string | null> {
  return new Map(records.map((record) => [record.draft.source.record_ref, record.draft.source.modified_at ?? null]));
}

function times(refs: readonly string[], modified: ReadonlyMap<string, string | null>): number[] {
  return refs.flatMap((ref) => {
    const at = modified.get(ref);
    return at === undefined || at === null ? [] : [Date.parse(at)];
  });
}

/** The cut of one stream: the first clean page boundary, or its end. */
export function cutOf(stream: string, role: string, pages: readonly PageTally[], modified: ReadonlyMap<string, string | null>): Cut | undefined {
  const last = pages.at(-1);
  if (last === undefined) return undefined;
  const whole = { stream, pages: pages.length, of: pages.length, until: last.cursor, expected: pages.flatMap((page) => page.refs) };
  if (role === 'deletions') return whole;
  for (let k = 1; k < pages.length; k += 1) {
    const before = pages.slice(0, k).flatMap((page) => page.refs);
    const after = pages.slice(k).flatMap((page) => page.refs);
    if (before.length === 0 || after.length === 0) continue;
    const latestBefore = Math.max(...times(before, modified));
    const earliestAfter = Math.min(...times(after, modified));
    if (latestBefore < earliestAfter) return { stream, pages: k, of: pages.length, until: pages[k - 1]?.cursor ?? last.cursor, expected: before };
  }
  return whole;
}

function refsByStream(outcome: PullOutcome): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const page of outcome.pages) by.set(page.stream, [...(by.get(page.stream) ?? []), ...page.refs]);
  return by;
}

async function checkCuts<Config>(session: KitSession<Config>, pageSize: number, full: PullOutcome): Promise<void> {
  const config = session.config(pageSize);
  const modified = modifiedAt(full.records);
  const cuts = session.subject.connector.describe(config).streams.flatMap(({ name, role }) => {
    const cut = cutOf(name, role, full.pages.filter((page) => page.stream === name), modified);
    return cut === undefined ? [] : [cut];
  });
  ensure(cuts.some((cut) => cut.pages < cut.of), () => `bounded pull: expected at least one stream with more than one page to cut at page size ${pageSize}, got ${cuts.map((cut) => `${cut.stream} ${cut.of} page(s)`).join(', ') || 'no pages'}`);
  const until = Object.fromEntries(cuts.map((cut) => [cut.stream, cut.until]));
  const bounded = await pullAll(session, { pageSize, until });
  const got = refsByStream(bounded);
  for (const cut of cuts) {
    const refs = got.get(cut.stream) ?? [];
    ensure(duplicatesOf(refs).length === 0, () => `stream ${cut.stream} bounded: expected each record once, got ${someOf(duplicatesOf(refs))} more than once`);
    ensureSameSet(`stream ${cut.stream} bounded at the cursor after page ${cut.pages} of ${cut.of}`, cut.expected, refs);
  }
  // Where the bounded pull ended is where the rest begins: nothing lost, nothing twice.
  const rest = refsByStream(await pullAll(session, { pageSize, from: bounded.cursors }));
  const all = refsByStream(full);
  for (const cut of cuts) {
    const before = new Set(got.get(cut.stream) ?? []);
    const again = (rest.get(cut.stream) ?? []).filter((ref) => before.has(ref));
    ensure(again.length === 0, () => `stream ${cut.stream}: expected a pull from the bounded pull's cursor to bring only what came after, got ${again.length} again (${someOf(again)})`);
    ensureSameSet(`stream ${cut.stream}: the bounded pull and a pull from its cursor together against the full pull`, all.get(cut.stream) ?? [], [...before, ...(rest.get(cut.stream) ?? [])]);
  }
}

async function checkWindows<Config>(session: KitSession<Config>, pageSize: number, full: PullOutcome): Promise<void> {
  const { connector } = session.subject;
  if (connector.windowCursor === undefined) return;
  const windowCursor = connector.windowCursor.bind(connector);
  const config = session.config(pageSize);
  const modified = modifiedAt(full.records);
  const instants = [...new Set(times(refsOf(full.records), modified))].sort((a, b) => a - b);
  ensure(instants.length >= 2, () => `windows: expected records with at least two different source.modified_at to place a border between, got ${instants.length}`);
  const at = new Date(instants[Math.floor(instants.length / 2)] ?? 0).toISOString();
  const cursors = Object.fromEntries(connector.describe(config).streams.map(({ name }) => [name, windowCursor(config, name, at)]));
  const early = refsOf((await pullAll(session, { pageSize, until: cursors })).records);
  const late = refsOf((await pullAll(session, { pageSize, from: cursors })).records);
  const fullRefs = refsOf(full.records);
  ensureSameSet(`the windows before and from ${at} together against the full pull`, fullRefs, [...early, ...late]);
  const timeOf = (ref: string): number | undefined => {
    const t = modified.get(ref);
    return t === undefined || t === null ? undefined : Date.parse(t);
  };
  const border = Date.parse(at);
  const earlySet = new Set(early);
  const after = early.filter((ref) => (timeOf(ref) ?? border) > border);
  ensure(after.length === 0, () => `the window up to ${at}: expected nothing modified after it, got ${after.length} (${someOf(after)})`);
  const notEarly = fullRefs.filter((ref) => (timeOf(ref) ?? Number.POSITIVE_INFINITY) <= border && !earlySet.has(ref));
  ensure(notEarly.length === 0, () => `the window up to ${at}: expected everything modified up to it, missing ${notEarly.length} (${someOf(notEarly)})`);
  const lateSet = new Set(late);
  const notLate = fullRefs.filter((ref) => (timeOf(ref) ?? Number.NEGATIVE_INFINITY) >= border && !lateSet.has(ref));
  ensure(notLate.length === 0, () => `the window from ${at}: expected everything modified at or after it, missing ${notLate.length} (${someOf(notLate)})`);
}

export function boundedChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  if (subject.connector.bounded !== true) return [];
  const n = subject.smallScenarioPersons;
  const pageSize = Math.max(2, Math.ceil(n / 3));
  return [
    {
      id: 'bounded-pull',
      title: 'a pull bounded by until = the cursor after a page yields exactly the records up to that page and a pull from where it ended the rest; with windowCursor, two adjacent windows together are the full pull',
      run: () => withSession(subject, { scenario: 'default', persons: n }, async (session) => {
        const full = await pullAll(session, { pageSize });
        await checkCuts(session, pageSize, full);
        await checkWindows(session, pageSize, full);
      }),
    },
  ];
}
