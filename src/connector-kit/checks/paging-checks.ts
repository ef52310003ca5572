import type { ContractCheck } from '../contract-check.js';
import { duplicatesOf, ensure, ensureSameSet, someOf } from '../contract-failure.js';
import type { ContractSubject } from '../contract-subject.js';
import { pullAll, refsOf, type PageTally } from '../full-pull.js';
import { withSession } from '../kit-session.js';

/**
 * Paging: the same records whatever the page size, when the records fill the last page exactly
 * and when they leave one record on it; and an empty source ends at once with nothing.
 */

/**
 * The largest divisor of n from 2 to n/2; for a prime n, 1 (every page then holds exactly one
 * record, so the last page is full too and the stream still needs more than one page).
 */
export function exactPageSize(n: number): number {
  for (let d = Math.floor(n / 2); d >= 2; d -= 1) if (n % d === 0) return d;
  return 1;
}

/** A page size that leaves exactly one record on the last page: a divisor of n − 1 below n − 1 when there is one. */
export function oneOverPageSize(n: number): number {
  if (n <= 2) return 1;
  for (let d = Math.floor((n - 1) / 2); d >= 2; d -= 1) if ((n - 1) % d === 0) return d;
  return n - 1;
}

/**
 * The number the page size counts: the persons asked about for a per-person source, else the
 * records of the largest stream (measured on one large page, so the boundaries fall exactly).
 */
function pagedCount(perPerson: boolean, persons: number | undefined, pages: readonly PageTally[]): number {
  if (perPerson && persons !== undefined) return persons;
  const perStream = new Map<string, number>();
  for (const page of pages) perStream.set(page.stream, (perStream.get(page.stream) ?? 0) + page.read);
  return Math.max(0, ...perStream.values());
}

export function pagingChecks<Config>(subject: ContractSubject<Config>): ContractCheck[] {
  const n = subject.smallScenarioPersons;
  return [
    {
      id: 'paging',
      title: 'page sizes that fill the last page of the largest stream exactly and that leave one record on it give the same records as one large page',
      run: () => withSession(subject, { scenario: 'default', persons: n }, async (session) => {
        const large = await pullAll(session, { pageSize: Math.max(100, n * 4) });
        const reference = refsOf(large.records);
        const count = pagedCount(subject.connector.asksPerPerson === true, session.pullContext().persons?.length, large.pages);
        ensure(count >= 3, () => `paging: expected the small scenario (${n} persons) to give at least 3 records in its largest stream, got ${count}`);
        for (const pageSize of [exactPageSize(count), oneOverPageSize(count)]) {
          const paged = await pullAll(session, { pageSize });
          const refs = refsOf(paged.records);
          const twice = duplicatesOf(refs);
          ensure(twice.length === 0, () => `page size ${pageSize}: expected each record once, got ${someOf(twice)} more than once`);
          ensureSameSet(`page size ${pageSize} against one large page`, reference, refs);
          const streamsWithManyPages = new Set(paged.pages.filter((page) => page.index > 1).map((page) => page.stream));
          ensure(streamsWithManyPages.size > 0, () => `page size ${pageSize}: expected at least one stream to need more than one page, got every stream in one (does the pull honour pageSize?)`);
        }
      }),
    },
    {
      id: 'empty-source',
      title: 'a partner with nothing to serve gives no records and no rejections, and every stream ends',
      run: () => withSession(subject, { scenario: 'default', empty: true }, async (session) => {
        const outcome = await pullAll(session, { pageSize: exactPageSize(n) });
        ensure(outcome.records.length === 0, () => `empty source: expected no records, got ${outcome.records.length} (${someOf(refsOf(outcome.records))})`);
        ensure(outcome.rejections.length === 0, () => `empty source: expected no rejections, got ${outcome.rejections.length}`);
        const read = outcome.pages.reduce((sum, page) => sum + page.read, 0);
        ensure(read === 0, () => `empty source: expected nothing read, got ${read}`);
      }),
    },
  ];
}
