import { describe, expect, it } from 'vitest';
import { addDays, addMonths, amsterdamDate, amsterdamLocal, amsterdamMidnight, dateOfDay, dayNumber, formatAmsterdamInstant } from '../../src/sandbox/amsterdam-time.js';

describe('Amsterdam time', () => {
  it.each([
    ['2025-03-30T00:59:59.999Z', '2025-03-30T01:59:59.999+01:00'],
    ['2025-03-30T01:00:00.000Z', '2025-03-30T03:00:00.000+02:00'],
    ['2025-10-26T00:59:59.000Z', '2025-10-26T02:59:59.000+02:00'],
    ['2025-10-26T01:00:00.000Z', '2025-10-26T02:00:00.000+01:00'],
    ['2024-12-31T23:30:00.000Z', '2025-01-01T00:30:00.000+01:00'],
  ])('formats %s as %s', (utc, local) => {
    expect(formatAmsterdamInstant(Date.parse(utc))).toBe(local);
    expect(Date.parse(local)).toBe(Date.parse(utc));
  });

  it('takes the calendar date in Amsterdam, not in UTC', () => {
    expect(amsterdamDate(Date.parse('2025-06-01T22:30:00Z'))).toBe('2025-06-02');
  });

  it('finds local midnight and local times across the clock changes', () => {
    expect(new Date(amsterdamMidnight('2025-03-30')).toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(new Date(amsterdamMidnight('2025-03-31')).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect(new Date(amsterdamLocal('2025-03-30', '12:00')).toISOString()).toBe('2025-03-30T10:00:00.000Z');
    expect(new Date(amsterdamLocal('2025-10-26', '12:00')).toISOString()).toBe('2025-10-26T11:00:00.000Z');
    expect(new Date(amsterdamLocal('2025-01-06', '8:05')).toISOString()).toBe('2025-01-06T07:05:00.000Z');
    expect(() => amsterdamLocal('2025-01-06', 'noon')).toThrow(RangeError);
  });

  it('does calendar arithmetic on dates', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-15');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-15');
  });

  it('maps day numbers to dates exactly as Date does', () => {
    for (let day = -25_000; day < 40_000; day += 7) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(dateOfDay(day)).toBe(iso);
      expect(dayNumber(iso)).toBe(day);
    }
  });
});
