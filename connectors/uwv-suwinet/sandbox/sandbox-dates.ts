import { addDays, addMonths, dayNumber } from '../../../src/sandbox/index.js';

/**
 * Calendar helpers of the sandbox: SuwiML `Datum` read leniently (the sandbox must serve the
 * invalid dates of U06, so an unknown part only widens a relation, it never fails) and the
 * delivered period of spec §3 (polis data are complete up to the end of the previous month).
 */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/** `yyyymmdd` → `YYYY-MM-DD`; an unknown day widens to the month; unknown, open or odd → undefined. */
export function looseDate(raw: string | undefined, role: 'start' | 'end'): string | undefined {
  if (raw === undefined || !/^[0-9]{8}$/.test(raw) || raw.startsWith('9999')) return undefined;
  const month = Number(raw.slice(4, 6));
  if (month < 1 || month > 12) return undefined;
  const first = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-01`;
  if (raw.slice(6) === '00') return role === 'start' ? first : lastOfMonth(first);
  return `${first.slice(0, 8)}${raw.slice(6)}`;
}

export function lastOfMonth(date: string): string {
  return addDays(addMonths(`${date.slice(0, 8)}01`, 1), -1);
}

export function daysIn(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/** What the inkomsten service delivers for an asked period: up to the end of last month. */
export function deliveredPeriod(asked: Period, today: string, deliveredFrom?: string): Period {
  const lastComplete = addDays(`${today.slice(0, 8)}01`, -1);
  const from = deliveredFrom !== undefined && deliveredFrom > asked.from ? deliveredFrom : asked.from;
  const to = asked.to < lastComplete ? asked.to : lastComplete;
  return { from, to: to < from ? from : to };
}

/** Whether a relation with these (loose) dates overlaps a period; unknown dates count as overlapping. */
export function overlaps(start: string | undefined, end: string | undefined, period: Period): boolean {
  return (start === undefined || start <= period.to) && (end === undefined || end >= period.from);
}
