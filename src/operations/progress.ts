import type { BackfillProgress } from './backfill.js';

/**
 * How a long operation shows its progress: in a terminal, one line redrawn in place with a bar and
 * an ETA; elsewhere (a log file, CI, cron mail) plain lines, one per change and at most one every
 * `quietMs` otherwise, so a log is readable afterwards.
 */
export interface ProgressWriter {
  update(progress: BackfillProgress): void;
  /** Ends the live line (a newline in a terminal). */
  done(): void;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Time left, from the windows finished so far; undefined before the first one finished. Pure. */
export function estimateRemainingMs(progress: BackfillProgress, now: number): number | undefined {
  if (progress.done === 0) return undefined;
  const perWindow = (now - progress.startedAt) / progress.done;
  return perWindow * (progress.windows - progress.done);
}

export function progressLine(progress: BackfillProgress, now: number, width = 24): string {
  const fraction = progress.windows === 0 ? 1 : progress.done / progress.windows;
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const eta = estimateRemainingMs(progress, now);
  const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
  return `[${bar}] ${progress.done}/${progress.windows} windows${failed} · ${progress.running} running · ${progress.read.toLocaleString('en-US')} records read · ${formatDuration(now - progress.startedAt)} elapsed · ETA ${eta === undefined ? '?' : formatDuration(eta)}`;
}

export function progressWriter(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: { quietMs?: number; now?: () => number } = {}): ProgressWriter {
  const now = options.now ?? Date.now;
  const quietMs = options.quietMs ?? 30_000;
  let last = '';
  let lastAt = 0;
  let lastDone = -1;
  let live = false;
  return {
    update(progress) {
      const line = progressLine(progress, now());
      if (stream.isTTY) {
        stream.write(`\r${line}\u001b[K`);
        live = true;
        return;
      }
      const changed = progress.done !== lastDone;
      if (line !== last && (changed || now() - lastAt >= quietMs)) {
        stream.write(`${line}\n`);
        last = line;
        lastAt = now();
        lastDone = progress.done;
      }
    },
    done() {
      if (live) stream.write('\n');
      live = false;
    },
  };
}
