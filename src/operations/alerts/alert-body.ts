import { z } from 'zod';
import type { AlertKind, AlertState } from '../../store/operations-records.js';

/**
 * The JSON body of every webhook POST (`docs/operations/alerts-and-metrics.md`). Stable: fields
 * are added, never renamed or removed, and `werkbrug` names the version. Codes, ids, counts and
 * instants only: nothing in it identifies a person.
 */
export const alertKinds = ['failed-run', 'stale', 'quarantine-rate', 'consent-log'] as const satisfies readonly AlertKind[];

export const alertDetailSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const alertBodySchema = z.strictObject({
  werkbrug: z.literal('alert/1'),
  /** `alert`: the condition began; `recovery`: it ended (sent only after its alert arrived); `test`: `werkbrug alerts test`. */
  event: z.enum(['alert', 'recovery', 'test']),
  /** One key per condition: `failed-run:ggz-altrecht`, `consent-log:region`. An alert and its recovery share it. */
  key: z.string(),
  kind: z.enum([...alertKinds, 'test']),
  partner: z.string().nullable(),
  /** The region's CBS arbeidsmarktregio code (AM13). */
  region: z.string(),
  summary: z.string(),
  /** When the condition was first seen (the same in the alert and its recovery). */
  since: z.string(),
  /** When this message was sent. */
  at: z.string(),
  /** When the condition ended; null in an alert. */
  resolvedAt: z.string().nullable(),
  detail: alertDetailSchema,
});
export type AlertBody = z.infer<typeof alertBodySchema>;

export function alertBody(alert: AlertState, event: 'alert' | 'recovery', region: string, at: Date): AlertBody {
  return {
    werkbrug: 'alert/1',
    event,
    key: alert.alertKey,
    kind: alert.kind,
    partner: alert.partnerId,
    region,
    summary: event === 'recovery' ? `Recovered: ${alert.summary}` : alert.summary,
    since: alert.firstAt,
    at: at.toISOString(),
    resolvedAt: event === 'recovery' ? alert.resolvedAt : null,
    detail: { ...alert.detail },
  };
}

export function testAlertBody(region: string, at: Date): AlertBody {
  return {
    werkbrug: 'alert/1', event: 'test', key: 'test:region', kind: 'test', partner: null, region,
    summary: 'Test alert from `werkbrug alerts test`: the webhook works. Nothing is wrong.',
    since: at.toISOString(), at: at.toISOString(), resolvedAt: null, detail: {},
  };
}
