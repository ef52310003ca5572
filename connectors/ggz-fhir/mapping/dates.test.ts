import { describe, expect, it } from 'vitest';
import { amsterdamDate, calendarDate, dateTimeAsCalendarDate, dateTimeAsInstant, parseFhirDate, parseFhirDateTime, parseInstant, queryInstant } from './dates.js';

describe('parseFhirDate', () => {
  it.each([
    ['2025', { year: 2025 }],
    ['2025-02', { year: 2025, month: 2 }],
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
  ])('reads %s', (value, date) => {
    expect(parseFhirDate(value)).toEqual(date);
  });

  // E13: impossible dates and an unresolved test-template placeholder.
  it.each([['2025-02-30'], ['2025-02-29'], ['2025-13'], ['2025-00-10'], ['${DATE, T, D, -20}'], ['25-01-01'], ['2025-1-1'], ['']])('refuses %j', (value) => {
    expect(parseFhirDate(value)).toBeUndefined();
  });
});

describe('parseFhirDateTime and parseInstant', () => {
  it.each([
    ['2025-01-14T15:20:00+01:00', Date.UTC(2025, 0, 14, 14, 20)],
    ['2025-06-02T10:03:55.090+02:00', Date.UTC(2025, 5, 2, 8, 3, 55, 90)],
    ['2025-06-01T21:58:00Z', Date.UTC(2025, 5, 1, 21, 58)],
  ])('reads the instant %s', (value, ms) => {
    expect(parseInstant(value)).toBe(ms);
    expect(parseFhirDateTime(value)).toEqual({ kind: 'instant', ms });
  });

  // E13: a time without an offset is ambiguous (the repeated October hour) and refused.
  it.each([['2025-03-01T10:00:00'], ['2025-03-01T10:00'], ['2025-03-01T25:00:00Z'], ['2025-02-30T10:00:00Z'], ['2025-03-01T10:00Z'], ['2025-03-01 10:00:00Z']])(
    'refuses the dateTime %j',
    (value) => {
      expect(parseFhirDateTime(value)).toBeUndefined();
    },
  );

  it('takes a date as a dateTime', () => {
    expect(parseFhirDateTime('2025-03')).toEqual({ kind: 'date', date: { year: 2025, month: 3 } });
  });

  it('refuses an instant without a time', () => {
    expect(parseInstant('2025-03-01')).toBeUndefined();
  });
});

describe('amsterdamDate', () => {
  it.each([
    // CET (+01:00) in winter, CEST (+02:00) in summer: the calendar date is Amsterdam's.
    [Date.UTC(2025, 0, 14, 23, 30), '2025-01-15'],
    [Date.UTC(2025, 0, 14, 22, 59), '2025-01-14'],
    [Date.UTC(2025, 5, 30, 22, 30), '2025-07-01'],
    [Date.UTC(2025, 5, 30, 21, 59), '2025-06-30'],
    // The night the clocks go back (26 October 2025, 03:00 CEST → 02:00 CET).
    [Date.UTC(2025, 9, 25, 22, 0), '2025-10-26'],
    [Date.UTC(2025, 9, 26, 22, 59), '2025-10-26'],
    [Date.UTC(2025, 9, 26, 23, 0), '2025-10-27'],
  ])('%d → %s', (ms, date) => {
    expect(amsterdamDate(ms)).toBe(date);
  });
});

describe('calendarDate (partial dates, README §2.3)', () => {
  it.each([
    [{ year: 2025, month: 2 }, 'start', '2025-02-28'],
    [{ year: 2024, month: 2 }, 'start', '2024-02-29'],
    [{ year: 2025, month: 2 }, 'end', '2025-02-01'],
    [{ year: 2025, month: 2, day: 3 }, 'start', '2025-02-03'],
  ] as const)('%j as a %s is %s', (date, role, expected) => {
    expect(calendarDate(date, role)).toBe(expected);
  });

  it('refuses a year alone', () => {
    expect(calendarDate({ year: 2025 }, 'start')).toBeUndefined();
  });

  it('gives a dateTime with a time its Amsterdam date', () => {
    expect(dateTimeAsCalendarDate('2025-01-14T23:30:00Z', 'start')).toBe('2025-01-15');
    expect(dateTimeAsCalendarDate('2025-01', 'end')).toBe('2025-01-01');
  });
});

describe('instants as werkbrug writes them', () => {
  it('orders a date from its first moment and an instant in UTC', () => {
    expect(dateTimeAsInstant('2025-01-20T11:32:00+01:00')).toBe('2025-01-20T10:32:00.000Z');
    expect(dateTimeAsInstant('2025-01-20')).toBe('2025-01-20T00:00:00.000Z');
  });

  it('sends query instants in UTC, whole seconds, with Z (spec §4.1)', () => {
    expect(queryInstant(Date.UTC(2025, 5, 1, 21, 58, 0, 512))).toBe('2025-06-01T21:58:00Z');
  });
});
