/**
 * Times as the operations commands show them to people: wall-clock time in the region's zone
 * (Europe/Amsterdam), and durations and ages in hours and minutes. JSON output keeps ISO instants.
 */
export const displayTimeZone = 'Europe/Amsterdam';

const wallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: displayTimeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** `2026-11-25 01:15` in Europe/Amsterdam; `-` for none. */
export function formatInstant(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '-';
  const parts = Object.fromEntries(wallClock.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** `45s`, `12m`, `3h 05m`, `2d 04h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** Milliseconds from `from` to `to`, or undefined when either is missing. */
export function elapsedMs(from: string | null | undefined, to: string | null | undefined): number | undefined {
  if (from === null || from === undefined || to === null || to === undefined) return undefined;
  return Date.parse(to) - Date.parse(from);
}

/** `2026-11-25 01:17 (7h 55m ago)`; `never` for none. */
export function formatAgo(iso: string | null | undefined, now: Date): string {
  if (iso === null || iso === undefined) return 'never';
  return `${formatInstant(iso)} (${formatDuration(now.getTime() - Date.parse(iso))} ago)`;
}
