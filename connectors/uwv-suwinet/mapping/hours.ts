import { daysBetween } from './datum.js';
import type { hoursBands } from '../../../src/trajectory/codes.js';

/**
 * The hours band of an employment relation (spec §3, trajectory format §5): the netted sum of
 * `AantVerloondeUrenIko` of its returns in the delivered period, divided by the days those returns
 * cover and times 7 (U10). A correcting return covers the same days as the one it corrects, so
 * days are counted once (the union of the returns' spans), never twice. No hours, or a net sum of
 * zero or less, is `UNKNOWN`. The exact figure never leaves this function.
 */
export type HoursBand = (typeof hoursBands)[number];

export interface PaidReturn {
  readonly from: string;
  readonly to: string;
  readonly hours: number;
}

function coveredDays(returns: readonly PaidReturn[]): number {
  const spans = [...returns].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let days = 0;
  let end: string | undefined;
  for (const span of spans) {
    if (end === undefined || span.from > end) {
      days += daysBetween(span.from, span.to);
      end = span.to;
    } else if (span.to > end) {
      days += daysBetween(end, span.to) - 1;
      end = span.to;
    }
  }
  return days;
}

export function hoursBand(returns: readonly PaidReturn[]): HoursBand {
  if (returns.length === 0) return 'UNKNOWN';
  const hours = returns.reduce((sum, r) => sum + r.hours, 0);
  const days = coveredDays(returns);
  if (hours <= 0 || days <= 0) return 'UNKNOWN';
  const perWeek = (hours / days) * 7;
  if (perWeek < 12) return 'H01_11';
  if (perWeek < 20) return 'H12_19';
  if (perWeek < 32) return 'H20_31';
  return 'H32_PLUS';
}
