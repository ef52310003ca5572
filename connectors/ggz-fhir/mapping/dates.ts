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

const datePattern = /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/;
// R4 dateTime/instant with a time: seconds are required and so is an offset (R4 datatypes §2.24.0.1).
const timePattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;
const timeWithoutOffset = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a day that exists (2025-02-30 does not). */
export function parseFhirDate(value: string): PartialDate | undefined {
  const match = datePattern.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1) return undefined;
  if (match[2] === undefined) return { year };
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  if (match[3] === undefined) return { year, month };
  const day = Number(match[3]);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** Milliseconds since the epoch of an instant with an offset (any offset, `Z` included). */
export function parseInstant(value: string): number | undefined {
  const match = timePattern.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, , offset] = match;
  if (parseFhirDate(`${y}-${mo}-${d}`)?.day === undefined) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (offset !== 'Z' && offset !== undefined) {
    const [oh, om] = offset.slice(1).split(':').map(Number);
    if ((oh ?? 99) > 14 || (om ?? 99) > 59) return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export type FhirDateTime = { readonly kind: 'date'; readonly date: PartialDate } | { readonly kind: 'instant'; readonly ms: number };

/**
 * A FHIR `dateTime`: a (partial) date, or a date with a time, which must then carry an offset.
 * A time without an offset (edge case E13) is ambiguous in the October hour and is refused.
 */
export function parseFhirDateTime(value: string): FhirDateTime | undefined {
  if (timeWithoutOffset.test(value)) return undefined;
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

/** The Amsterdam calendar date (`YYYY-MM-DD`) of an instant: a date taken from a date-time (§2.3). */
export function amsterdamDate(ms: number): string {
  const parts = Object.fromEntries(amsterdam.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
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
