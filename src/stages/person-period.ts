import type { PersonWindow } from '../store/store.js';

/**
 * The period a per-person source is asked about (`partners/uwv-suwinet.md` §1.2): from 12 months
 * before the earliest trajectory start (to see the situation at the start) to today, but not
 * beyond 13 months after the latest trajectory end (WORK_12M needs work that started at most 30
 * days after the end and lasted 12 months). Pure; dates are `YYYY-MM-DD` calendar dates.
 */
export interface QuestionPeriod {
  readonly from: string;
  readonly to: string;
}

/** Adds calendar months, clamping to the last day of the month (31 Jan + 1 month = 28/29 Feb). */
export function addCalendarMonths(date: string, months: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(date.slice(8, 10)), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function questionPeriod(window: PersonWindow, today: string): QuestionPeriod {
  const from = addCalendarMonths(window.earliestStart, -12);
  const limit = window.latestEnd === null ? today : addCalendarMonths(window.latestEnd, 13);
  const to = limit < today ? limit : today;
  // A trajectory registered with a start after today still asks about the year before it.
  return { from, to: to < from ? from : to };
}
