import { describe, expect, it } from 'vitest';
import { addCalendarMonths, questionPeriod } from '../../src/stages/person-period.js';

describe('questionPeriod (partners/uwv-suwinet.md §1.2)', () => {
  it('asks from 12 months before the earliest start to today while a trajectory runs', () => {
    expect(questionPeriod({ earliestStart: '2025-02-03', latestEnd: null }, '2025-08-02')).toEqual({ from: '2024-02-03', to: '2025-08-02' });
  });

  it('stops 13 months after the latest end', () => {
    expect(questionPeriod({ earliestStart: '2022-01-10', latestEnd: '2023-03-31' }, '2025-08-02')).toEqual({ from: '2021-01-10', to: '2024-04-30' });
  });

  it('asks to today when the end was less than 13 months ago', () => {
    expect(questionPeriod({ earliestStart: '2024-01-10', latestEnd: '2025-03-31' }, '2025-08-02')).toEqual({ from: '2023-01-10', to: '2025-08-02' });
  });

  it('never ends before it starts (a start registered in the future)', () => {
    const period = questionPeriod({ earliestStart: '2027-01-01', latestEnd: null }, '2025-08-02');
    expect(period.from <= period.to).toBe(true);
  });
});

describe('addCalendarMonths', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-03-15', -12, '2024-03-15'],
    ['2025-12-01', 1, '2026-01-01'],
    ['2025-01-01', -1, '2024-12-01'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addCalendarMonths(date, months)).toBe(expected);
  });
});
