import type { AgeBand } from '../trajectory/codes.js';

/**
 * Age band on a date from a possibly partial birth date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
 * With a partial date the age is a range; the band is given only when the whole range falls in
 * one band, else `UNKNOWN` (edge case E15). Under 16 is outside every band: `UNKNOWN`.
 */
const bands: ReadonlyArray<readonly [number, number, AgeBand]> = [
  [16, 26, 'A16_26'],
  [27, 34, 'A27_34'],
  [35, 44, 'A35_44'],
  [45, 54, 'A45_54'],
  [55, 200, 'A55_PLUS'],
];

function bandOf(age: number): AgeBand {
  for (const [low, high, band] of bands) if (age >= low && age <= high) return band;
  return 'UNKNOWN';
}

function ageOn(birth: { y: number; m: number; d: number }, on: { y: number; m: number; d: number }): number {
  const hadBirthday = on.m > birth.m || (on.m === birth.m && on.d >= birth.d);
  return on.y - birth.y - (hadBirthday ? 0 : 1);
}

export function ageBand(birthDate: string | undefined, asOf: string): AgeBand {
  if (birthDate === undefined) return 'UNKNOWN';
  const match = /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/.exec(birthDate);
  const on = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(asOf);
  if (!match || !on) return 'UNKNOWN';
  const onDate = { y: Number(on[1]), m: Number(on[2]), d: Number(on[3]) };
  const y = Number(match[1]);
  const earliest = { y, m: match[2] ? Number(match[2]) : 1, d: match[3] ? Number(match[3]) : 1 };
  const latestMonth = match[2] ? Number(match[2]) : 12;
  // The last day that exists in that month: a June birth is at the latest on the 30th, not the 31st.
  const lastDay = new Date(Date.UTC(y, latestMonth, 0)).getUTCDate();
  const latest = { y, m: latestMonth, d: match[3] ? Number(match[3]) : lastDay };
  const oldest = bandOf(ageOn(earliest, onDate));
  const youngest = bandOf(ageOn(latest, onDate));
  return oldest === youngest ? oldest : 'UNKNOWN';
}

/** Birth year from a (partial) birth date, for purposes that need it. */
export function birthYear(birthDate: string | undefined): number | undefined {
  const match = birthDate ? /^([0-9]{4})/.exec(birthDate) : null;
  return match ? Number(match[1]) : undefined;
}
