import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, formatDuration, progressLine, progressWriter } from '../../src/operations/progress.js';

const at = (done: number, extra: Partial<{ failed: number; running: number; read: number }> = {}) => ({ windows: 10, done, failed: 0, running: 2, read: 1234, startedAt: 0, ...extra });

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _enc, cb) { text += chunk.toString('utf8'); cb(); } }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

describe('back-fill progress', () => {
  it('estimates the time left from the windows finished so far', () => {
    expect(estimateRemainingMs(at(0), 60_000)).toBeUndefined();
    expect(estimateRemainingMs(at(4), 60_000)).toBe(90_000);
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h05m');
  });

  it('shows a bar, the counts and the ETA on one line', () => {
    expect(progressLine(at(5, { failed: 1 }), 100_000, 10)).toBe('[#####-----] 5/10 windows, 1 failed · 2 running · 1,234 records read · 1m40s elapsed · ETA 1m40s');
  });

  it('redraws one line in a terminal', () => {
    const out = sink(true);
    const writer = progressWriter(out.stream, { now: () => 10_000 });
    writer.update(at(1));
    writer.update(at(2));
    writer.done();
    expect(out.text().split('\r').length).toBe(3);
    expect(out.text().endsWith('\n')).toBe(true);
    expect(out.text().split('\n').length).toBe(2);
  });

  it('writes plain lines when not a terminal: one per finished window, and otherwise one per quiet period', () => {
    const out = sink(false);
    let now = 0;
    const writer = progressWriter(out.stream, { now: () => now, quietMs: 30_000 });
    writer.update(at(0));
    now = 1_000;
    writer.update(at(0, { read: 2000 }));
    now = 2_000;
    writer.update(at(1));
    now = 40_000;
    writer.update(at(1, { read: 5000 }));
    writer.done();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(out.text()).not.toContain('\r');
    expect(lines[1]).toContain('1/10 windows');
  });
});
