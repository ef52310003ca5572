import { z } from 'zod';

/**
 * How long stored records are kept per purpose before they are purged (issue 5). The defaults are
 * the suggestions of `shared/reference/purposes.csv` (status "proposal"): each region's privacy
 * officers confirm or override them here. The rule that turns a period into a purge date is in
 * `src/privacy/retention-period.ts`; what a row's reference date is, in `docs/privacy/erasure-and-retention.md`.
 */
export const retentionPeriodSchema = z.strictObject({
  years: z.number().int().min(1).max(100).describe('How many years after the reference date the rows are kept.'),
  count: z.enum(['full-calendar-years', 'years']).describe('full-calendar-years: kept until the end of the Nth full calendar year after the reference date; years: kept until N years after the reference date (that day included).'),
});
export type RetentionPeriod = z.infer<typeof retentionPeriodSchema>;

const period = (years: number, count: RetentionPeriod['count'], why: string) => retentionPeriodSchema.default({ years, count }).describe(why);

export const retentionSettingsSchema = z.strictObject({
  purgeAfterSync: z.boolean().default(true).describe('Purge rows past their retention period at the end of every sync run (`werkbrug privacy purge` does it on demand).'),
  P_MONITOR_REGIO: period(2, 'full-calendar-years', 'Regional monitoring: until the end of the second full calendar year after the trajectory ended (purposes.csv).'),
  P_VERANTWOORDING_COFIN: period(7, 'years', 'Accountability for co-financing: 7 years (purposes.csv: after the subsidy is settled; werkbrug counts from the trajectory\'s end, the nearest date it holds).'),
  P_WERKMONITOR: period(2, 'full-calendar-years', 'Supply to the national work monitor: the same period as P_MONITOR_REGIO (purposes.csv).'),
  P_WETENSCHAP: period(10, 'years', 'Scientific evaluation: 10 years (purposes.csv: research codes commonly ask about 10 years; confirm per study).'),
  P_KWALITEIT_IPS: period(2, 'full-calendar-years', 'IPS quality improvement: the same period as P_MONITOR_REGIO (purposes.csv).'),
});
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;
