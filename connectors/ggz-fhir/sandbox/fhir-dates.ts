import { amsterdamLocal, amsterdamMidnight } from '../../../src/sandbox/index.js';

/**
 * FHIR date and instant values as ranges `[from, to)` in epoch ms, the way FHIR search compares
 * them: `2025-06` covers the whole (Amsterdam) month, `2025-06-01T22:00:00Z` one second. A value
 * without an offset is read as Amsterdam local time. Anything else is undefined (not a date).
 */
export type DateRange = readonly [number, number];

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/;

function validDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseDateRange(raw: string): DateRange | undefined {
  // A '+' sent unencoded in a query arrives as a space.
  const value = raw.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const date = DATE.exec(value);
  if (date) {
    const year = Number(date[1]);
    const month = date[2] === undefined ? undefined : Number(date[2]);
    const day = date[3] === undefined ? undefined : Number(date[3]);
    if (month === undefined) return [amsterdamMidnight(iso(year, 1, 1)), amsterdamMidnight(iso(year + 1, 1, 1))];
    if (month < 1 || month > 12) return undefined;
    if (day === undefined) {
      const next = month === 12 ? iso(year + 1, 1, 1) : iso(year, month + 1, 1);
      return [amsterdamMidnight(iso(year, month, 1)), amsterdamMidnight(next)];
    }
    if (!validDay(year, month, day)) return undefined;
    const start = amsterdamMidnight(iso(year, month, day));
    const next = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
    return [start, amsterdamMidnight(next)];
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = dateTime;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  let start: number;
  if (zone === undefined) {
    start = amsterdamLocal(iso(year, month, day), `${h}:${mi}`) + second * 1000 + millis;
  } else {
    const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    start = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  }
  const width = fraction !== undefined ? 1 : s !== undefined ? 1000 : 60_000;
  return [start, start + width];
}

/** A resource's own instant or date as a range; open ends for periods are handled by the caller. */
export function valueRange(value: unknown): DateRange | undefined {
  return typeof value === 'string' ? parseDateRange(value) : undefined;
}
