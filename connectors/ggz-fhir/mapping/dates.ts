/**
 * FHIR R4 date, dateTime and instant as werkbrug reads them (`partners/README.md` §2.3).
 * Everything here is pure; a value that is not a real date gives `undefined` and the caller
 * rejects the record with `invalid-date` and the field path, never the value.
 */

/** A FHIR `date` or the date part of a `dateTime`: year, month and day as far as known. */
export interface PartialDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

// Dates are read on every record, several times (schema check, then mapping), so the formats of
// §2.3 are checked character by character rather than with regular expressions:
//   date      YYYY, YYYY-MM or YYYY-MM-DD
//   instant   YYYY-MM-DDThh:mm:ss(.f{1,9})?(Z|±hh:mm): R4 requires the seconds and an offset
//             whenever a time is given (R4 datatypes §2.24.0.1).

/** The number written by `count` ASCII digits from `from`, or -1 if any of them is not a digit. */
function digitsAt(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a day that exists (2025-02-30 does not). */
export function parseFhirDate(value: string): PartialDate | undefined {
  const length = value.length;
  if (length !== 4 && length !== 7 && length !== 10) return undefined;
  const year = digitsAt(value, 0, 4);
  if (year < 1) return undefined;
  if (length === 4) return { year };
  const month = value.charCodeAt(4) === 45 ? digitsAt(value, 5, 2) : -1;
  if (month < 1 || month > 12) return undefined;
  if (length === 7) return { year, month };
  const day = value.charCodeAt(7) === 45 ? digitsAt(value, 8, 2) : -1;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

// Offsets from UTC in minutes, by the separators and digits of `±hh:mm` at `from`.
function offsetMinutesAt(value: string, from: number): number | undefined {
  if (value.length === from + 1 && value.charCodeAt(from) === 90) return 0; // Z
  if (value.length !== from + 6 || value.charCodeAt(from + 3) !== 58) return undefined;
  const sign = value.charCodeAt(from);
  if (sign !== 43 && sign !== 45) return undefined;
  const hours = digitsAt(value, from + 1, 2);
  const minutes = digitsAt(value, from + 4, 2);
  if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59) return undefined;
  return (sign === 45 ? -1 : 1) * (hours * 60 + minutes);
}

/** Milliseconds since the epoch of an instant with an offset (any offset, `Z` included). */
export function parseInstant(value: string): number | undefined {
  if (value.length < 20 || value.charCodeAt(10) !== 84 || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = value.charCodeAt(4) === 45 ? digitsAt(value, 5, 2) : -1;
  const day = value.charCodeAt(7) === 45 ? digitsAt(value, 8, 2) : -1;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  // A fraction of 1 to 9 digits; like Date.parse, only the milliseconds count (truncated).
  let end = 19;
  let millis = 0;
  if (value.charCodeAt(19) === 46) {
    end = 20;
    while (end < value.length && end < 29 && digitsAt(value, end, 1) >= 0) end += 1;
    if (end === 20) return undefined;
    millis = digitsAt(`${value.slice(20, Math.min(end, 23))}00`, 0, 3);
  }
  const offset = offsetMinutesAt(value, end);
  if (offset === undefined) return undefined;
  // Date.UTC reads years 0–99 as 1900–1999; Date.parse reads the ISO form as written.
  if (year < 100) return Date.parse(value);
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
}

export type FhirDateTime = { readonly kind: 'date'; readonly date: PartialDate } | { readonly kind: 'instant'; readonly ms: number };

/**
 * A FHIR `dateTime`: a (partial) date, or a date with a time, which must then carry an offset.
 * A time without an offset (edge case E13) is ambiguous in the October hour and is refused.
 */
export function parseFhirDateTime(value: string): FhirDateTime | undefined {
  // A time without an offset is neither a date nor an instant, so both readings below refuse it.
  const date = parseFhirDate(value);
  if (date) return { kind: 'date', date };
  const ms = parseInstant(value);
  return ms === undefined ? undefined : { kind: 'instant', ms };
}

export function isFhirDate(value: string): boolean {
  return parseFhirDate(value) !== undefined;
}

export function isFhirDateTime(value: string): boolean {
  return parseFhirDateTime(value) !== undefined;
}

export function isFhirInstant(value: string): boolean {
  return parseInstant(value) !== undefined;
}

const amsterdam = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

function formatAmsterdamDate(ms: number): string {
  const parts = Object.fromEntries(amsterdam.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// Asking ICU costs ~10 µs per call, and consents ask for every lastUpdated. From 1970 on,
// Amsterdam is UTC+1 or UTC+2, changing on the hour: before 22:00 UTC its date is the UTC date,
// and from 22:00 it is the same for every instant of one UTC hour, so ICU is asked once per such
// hour (a bounded cache, emptied when full). Checked hour by hour against ICU for 1970–2199.
const amsterdamDayOfHour = new Map<number, string>();
const hourMs = 3_600_000;
const fastUntilMs = Date.UTC(9000, 0, 1);

/** The Amsterdam calendar date (`YYYY-MM-DD`) of an instant: a date taken from a date-time (§2.3). */
export function amsterdamDate(ms: number): string {
  if (!(ms >= 0 && ms < fastUntilMs)) return formatAmsterdamDate(ms);
  const hour = Math.floor(ms / hourMs);
  if (hour % 24 < 22) return new Date(ms).toISOString().slice(0, 10);
  const known = amsterdamDayOfHour.get(hour);
  if (known !== undefined) return known;
  const day = formatAmsterdamDate(ms);
  if (amsterdamDayOfHour.size >= 50_000) amsterdamDayOfHour.clear();
  amsterdamDayOfHour.set(hour, day);
  return day;
}

/** UTC with `Z`, as the trajectory format and cursors hold instants. */
export function utcInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** UTC with `Z` in whole seconds, as query values are sent (`2025-06-01T21:58:00Z`, spec §4.1). */
export function queryInstant(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * A partial date as a calendar date (§2.3): a complete date stays; `YYYY-MM` counts as the last day
 * of its month when it is a start and the first when it is an end, so durations never grow; a year
 * alone is refused (`undefined`).
 */
export function calendarDate(date: PartialDate, role: 'start' | 'end'): string | undefined {
  if (date.month === undefined) return undefined;
  const day = date.day ?? (role === 'start' ? daysInMonth(date.year, date.month) : 1);
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(day, 2)}`;
}

/** A `dateTime` as an Amsterdam calendar date; partial dates as `calendarDate` says. */
export function dateTimeAsCalendarDate(value: string, role: 'start' | 'end'): string | undefined {
  const parsed = parseFhirDateTime(value);
  if (!parsed) return undefined;
  return parsed.kind === 'instant' ? amsterdamDate(parsed.ms) : calendarDate(parsed.date, role);
}

/** The instant a dateTime denotes, for ordering; a date counts from its first moment in UTC. */
export function dateTimeAsInstant(value: string): string | undefined {
  const parsed = parseFhirDateTime(value);
  if (!parsed) return undefined;
  if (parsed.kind === 'instant') return utcInstant(parsed.ms);
  const { year, month = 1, day = 1 } = parsed.date;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T00:00:00.000Z`;
}
