/**
 * SuwiML `Datum` (spec §5.4, `partners/README.md` §2.3): `yyyymmdd`, `00` for an unknown month or
 * day, `00000000` for unknown, `9999…` as a far-future end. An unknown day counts, as a start, as
 * the last day of its month and, as an end, as the first (durations never grow); an end of
 * `99991230`/`99991231`/`00000000`, or none, is open-ended; any other unknown month (a start of
 * `00000000` included) is an invalid date.
 */
export type DatumReading =
  | { readonly kind: 'date'; readonly date: string }
  | { readonly kind: 'open' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid' };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function readDatum(raw: string | undefined, role: 'start' | 'end'): DatumReading {
  if (raw === undefined) return role === 'end' ? { kind: 'open' } : { kind: 'absent' };
  if (!/^[0-9]{8}$/.test(raw)) return { kind: 'invalid' };
  if (role === 'end' && (raw.startsWith('9999') || raw === '00000000')) return { kind: 'open' };
  const year = Number(raw.slice(0, 4));
  const month = Number(raw.slice(4, 6));
  const day = Number(raw.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12) return { kind: 'invalid' };
  const last = daysInMonth(year, month);
  if (day === 0) return { kind: 'date', date: `${year}-${pad(month)}-${pad(role === 'start' ? last : 1)}` };
  if (day > last) return { kind: 'invalid' };
  return { kind: 'date', date: `${year}-${pad(month)}-${pad(day)}` };
}

/** A complete `Datum` as an ISO date, else undefined (for periods, which are never partial). */
export function isoOfDatum(raw: string | undefined): string | undefined {
  if (raw === undefined || !/^[0-9]{8}$/.test(raw) || raw.endsWith('00') || raw.slice(4, 6) === '00') return undefined;
  const reading = readDatum(raw, 'start');
  return reading.kind === 'date' ? reading.date : undefined;
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
