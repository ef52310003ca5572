import type { RetentionPeriod } from '../config/retention-settings.js';
import { addDays, addMonths } from '../sandbox/amsterdam-time.js';

/**
 * The latest reference date (`YYYY-MM-DD`, Amsterdam calendar) whose rows are past their retention
 * period on `today`: a row is purged when its reference date is on or before this date. Pure.
 *
 * - `full-calendar-years` N: kept until 31 December of the Nth full calendar year after the
 *   reference date, so on `today` everything up to 31 December of (today's year − N − 1) is due.
 *   A trajectory that ended on 2023-06-30 is kept through 2024 and 2025 and goes on 2026-01-01.
 * - `years` N: kept until the same calendar day N years later, that day included (29 February
 *   counts as 28 February in a year without it), so everything before today − N years is due.
 */
export function retentionCutoff(period: RetentionPeriod, today: string): string {
  if (period.count === 'full-calendar-years') return `${String(Number(today.slice(0, 4)) - period.years - 1).padStart(4, '0')}-12-31`;
  return addDays(addMonths(today, -12 * period.years), -1);
}
