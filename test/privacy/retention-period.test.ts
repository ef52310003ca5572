import { describe, expect, it } from 'vitest';
import { retentionSettingsSchema } from '../../src/config/retention-settings.js';
import { retentionCutoff } from '../../src/privacy/retention-period.js';

describe('retentionCutoff', () => {
  it.each([
    // Two full calendar years: a trajectory that ended in 2023 is kept through 2024 and 2025.
    [{ years: 2, count: 'full-calendar-years' }, '2025-12-31', '2022-12-31'],
    [{ years: 2, count: 'full-calendar-years' }, '2026-01-01', '2023-12-31'],
    [{ years: 2, count: 'full-calendar-years' }, '2026-06-30', '2023-12-31'],
    // N years, the anniversary itself still kept.
    [{ years: 7, count: 'years' }, '2030-06-01', '2023-05-31'],
    [{ years: 7, count: 'years' }, '2030-06-02', '2023-06-01'],
    // 29 February: kept until 28 February seven years on, purged from 1 March.
    [{ years: 7, count: 'years' }, '2031-02-28', '2024-02-27'],
    [{ years: 7, count: 'years' }, '2031-03-01', '2024-02-29'],
  ] as const)('%o on %s purges reference dates up to %s', (period, today, cutoff) => {
    expect(retentionCutoff(period, today)).toBe(cutoff);
  });
});

describe('retentionSettingsSchema', () => {
  it('defaults every purpose to the suggestion of purposes.csv and purges after each sync', () => {
    expect(retentionSettingsSchema.parse({})).toEqual({
      purgeAfterSync: true,
      P_MONITOR_REGIO: { years: 2, count: 'full-calendar-years' },
      P_VERANTWOORDING_COFIN: { years: 7, count: 'years' },
      P_WERKMONITOR: { years: 2, count: 'full-calendar-years' },
      P_WETENSCHAP: { years: 10, count: 'years' },
      P_KWALITEIT_IPS: { years: 2, count: 'full-calendar-years' },
    });
  });

  it('refuses an unknown purpose and a period without a count', () => {
    expect(retentionSettingsSchema.safeParse({ P_MONITOR: { years: 2, count: 'years' } }).success).toBe(false);
    expect(retentionSettingsSchema.safeParse({ P_MONITOR_REGIO: { years: 2 } }).success).toBe(false);
  });
});
