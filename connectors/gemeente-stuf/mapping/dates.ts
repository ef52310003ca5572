import type { StufField } from '../source-schema.js';
import { refuse, type Refusal } from './refusal.js';

/**
 * StUF `Datum` (`yyyymmdd`, spec §3.2, `partners/README.md` §2.3) to an ISO date. With
 * `StUF:indOnvolledigeDatum="D"` the day is unknown: a start counts as the last day of its month,
 * an end as the first (durations never grow); `M` or `J` (month unknown) is `invalid-date`. A
 * birth date may be partial (`YYYY-MM`, `YYYY`), or absent when wholly unknown. A nil or absent
 * element is no date.
 */
export type DateRole = 'start' | 'end' | 'birth';

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function stufDate(value: StufField, role: DateRole, path: string): string | undefined | Refusal {
  if (value.kind !== 'value') return undefined;
  const invalid = refuse('invalid-date', path, role === 'birth' ? 'a StUF Datum (yyyymmdd), possibly partial' : 'a StUF Datum (yyyymmdd) with at least year and month');
  const match = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(value.text);
  if (!match) return invalid;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ind = value.indOnvolledigeDatum;
  if (ind === 'J') return role === 'birth' ? undefined : invalid;
  if (year < 1900) return invalid;
  if (ind === 'M') return role === 'birth' ? String(year) : invalid;
  if (month < 1 || month > 12) return invalid;
  if (ind === 'D') {
    if (role === 'birth') return `${year}-${pad2(month)}`;
    return `${year}-${pad2(month)}-${pad2(role === 'start' ? daysIn(year, month) : 1)}`;
  }
  if (ind !== undefined && ind !== 'V') return invalid;
  if (day < 1 || day > daysIn(year, month)) return invalid;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}
