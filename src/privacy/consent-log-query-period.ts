import { addDays, amsterdamMidnight } from '../sandbox/amsterdam-time.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';

/**
 * The period of a privacy query (`consent log`, `privacy access-log list`) as a privacy officer
 * types it: calendar dates in Amsterdam time, both days included (`--from 2026-01-01 --to
 * 2026-03-31` is the first quarter), or exact ISO-8601 instants with an offset (`--to` then
 * exclusive). The store gets a half-open interval [from, to) of instants.
 */
export interface Period {
  /** ISO instant, inclusive. */
  readonly from?: string;
  /** ISO instant, exclusive. */
  readonly to?: string;
}

const calendarDate = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const instant = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$/;

function invalid(option: string, detail?: string): WerkbrugError {
  // The value is not echoed: whatever was typed there is not werkbrug's to repeat.
  return new WerkbrugError('WB_PRIVACY_INPUT_INVALID', {
    field: option, expected: 'a calendar date YYYY-MM-DD (Amsterdam time) or an ISO-8601 instant with an offset', ...(detail === undefined ? {} : { detail }),
  });
}

function bound(option: '--from' | '--to', value: string): string {
  if (calendarDate.test(value)) {
    // Rejects 2026-02-31 and the like, which the pattern lets through.
    if (new Date(`${value}T12:00:00Z`).toISOString().slice(0, 10) !== value) throw invalid(option, 'that day does not exist');
    return new Date(amsterdamMidnight(option === '--to' ? addDays(value, 1) : value)).toISOString();
  }
  const ms = instant.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(option);
  return new Date(ms).toISOString();
}

/** Parses --from/--to; `required` names options that must be given. Throws WB_PRIVACY_INPUT_INVALID. */
export function parsePeriod(options: { from?: string; to?: string }, required: readonly ('--from' | '--to')[] = []): Period {
  for (const option of required) {
    if ((option === '--from' ? options.from : options.to) === undefined) throw invalid(option, `${option} is required`);
  }
  const from = options.from === undefined ? undefined : bound('--from', options.from.trim());
  const to = options.to === undefined ? undefined : bound('--to', options.to.trim());
  if (from !== undefined && to !== undefined && from >= to) {
    throw new WerkbrugError('WB_PRIVACY_INPUT_INVALID', { field: '--to', expected: 'a period end after its start (--from)' });
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
