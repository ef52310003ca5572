/**
 * Europe/Amsterdam wall-clock arithmetic without a time-zone database: CET (+01:00) in winter,
 * CEST (+02:00) from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC
 * (EU rule since 1996, `partners/README.md` §2.3). Sandboxes emit Amsterdam offsets, never `Z`.
 *
 * Generating 100k persons calls these millions of times, so calendar dates are handled as day
 * numbers with integer arithmetic and the per-year and per-day results are cached.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;

const summerByYear = new Map<number, readonly [number, number]>();

function lastSundayAt0100Utc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

function summer(year: number): readonly [number, number] {
  let bounds = summerByYear.get(year);
  if (!bounds) {
    bounds = [lastSundayAt0100Utc(year, 2), lastSundayAt0100Utc(year, 9)];
    summerByYear.set(year, bounds);
  }
  return bounds;
}

/** Minutes east of UTC in Amsterdam at the given instant: 60 or 120. */
export function amsterdamOffsetMinutes(ms: number): 60 | 120 {
  // Any instant lies within a day of its UTC year, so a rough year is enough to pick the bounds.
  const [start, end] = summer(new Date(ms).getUTCFullYear());
  return ms >= start && ms < end ? 120 : 60;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian, H. Hinnant's algorithm). */
export function dayNumber(date: string): number {
  let year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  year -= month <= 2 ? 1 : 0;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const dateByDay = new Map<number, string>();

/** The `YYYY-MM-DD` date of a day number. */
export function dateOfDay(days: number): string {
  let date = dateByDay.get(days);
  if (date === undefined) {
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const dayOfEra = z - era * 146_097;
    const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
    const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const mp = Math.floor((5 * dayOfYear + 2) / 153);
    const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    date = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
    if (dateByDay.size > 200_000) dateByDay.clear();
    dateByDay.set(days, date);
  }
  return date;
}

/** `2025-06-02T10:03:55.090+02:00`: a FHIR instant with the Amsterdam offset of that moment. */
export function formatAmsterdamInstant(ms: number): string {
  const offset = amsterdamOffsetMinutes(ms);
  const local = ms + offset * MINUTE;
  const days = Math.floor(local / DAY);
  const inDay = local - days * DAY;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor((inDay % 3_600_000) / MINUTE);
  const seconds = Math.floor((inDay % MINUTE) / 1000);
  const millis = inDay % 1000;
  const fraction = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : String(millis);
  return `${dateOfDay(days)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${fraction}+0${offset / 60}:00`;
}

/** The Amsterdam calendar date (`YYYY-MM-DD`) of an instant. */
export function amsterdamDate(ms: number): string {
  return dateOfDay(Math.floor((ms + amsterdamOffsetMinutes(ms) * MINUTE) / DAY));
}

const midnightByDate = new Map<string, number>();

/** The instant of Amsterdam midnight at the start of a calendar date (`YYYY-MM-DD`). */
export function amsterdamMidnight(date: string): number {
  let midnight = midnightByDate.get(date);
  if (midnight === undefined) {
    const utcMidnight = dayNumber(date) * DAY;
    // Midnight never falls in the skipped hour (02:00–03:00), so one of the two offsets fits.
    midnight = amsterdamOffsetMinutes(utcMidnight - 120 * MINUTE) === 120 ? utcMidnight - 120 * MINUTE : utcMidnight - 60 * MINUTE;
    if (midnightByDate.size > 200_000) midnightByDate.clear();
    midnightByDate.set(date, midnight);
  }
  return midnight;
}

/** Adds whole calendar days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date) + days);
}

/** Adds calendar months to a `YYYY-MM-DD` date, clamping to the month's last day. */
export function addMonths(date: string, months: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const first = `${String(year).padStart(4, '0')}-${pad2(month)}-01`;
  const lastDay = dayNumber(month === 12 ? `${String(year + 1).padStart(4, '0')}-01-01` : `${String(year).padStart(4, '0')}-${pad2(month + 1)}-01`) - dayNumber(first);
  return `${first.slice(0, 8)}${pad2(Math.min(Number(date.slice(8, 10)), lastDay))}`;
}

/** An Amsterdam local date and time (`YYYY-MM-DD`, `HH:MM`) as an instant. */
export function amsterdamLocal(date: string, time = '00:00'): number {
  const midnight = amsterdamMidnight(date);
  const colon = time.indexOf(':');
  const hours = Number(colon < 0 ? time : time.slice(0, colon));
  const minutes = colon < 0 ? 0 : Number(time.slice(colon + 1));
  if (!Number.isInteger(hours) || !Number.isInteger(minutes)) throw new RangeError('amsterdamLocal: expected a time as H:MM or HH:MM');
  const naive = midnight + (hours * 60 + minutes) * MINUTE;
  // Correct for a change of offset between midnight and the local time (the last Sundays).
  return naive + (amsterdamOffsetMinutes(midnight) - amsterdamOffsetMinutes(naive)) * MINUTE;
}

export const MS_PER_DAY = DAY;
