import { describe, expect, it } from 'vitest';
import { narrowPersons } from '../../jobs/pull.js';
import { splitWindows } from '../../src/operations/backfill.js';
import { planStream, windowDates } from '../../src/pipeline/run-scope.js';
import type { StreamDescription } from '../../src/connector/connector.js';
import { isWerkbrugError } from '../../src/errors/werkbrug-error.js';

const stream: StreamDescription = { name: 'ServiceRequest', role: 'data', cursor: 'lastUpdated' };
const timeConnector = { bounded: true, windowCursor: (_: unknown, __: string, at: string) => ({ lastUpdated: at, recent: [] }) };
const stufConnector = { bounded: true };
const personConnector = { asksPerPerson: true };

describe('splitWindows', () => {
  it('splits [from, to) into windows of whole days, the last one shorter', () => {
    expect(splitWindows('2025-01-01', '2025-01-18', 7)).toEqual([
      { index: 0, from: '2025-01-01T00:00:00.000Z', to: '2025-01-08T00:00:00.000Z' },
      { index: 1, from: '2025-01-08T00:00:00.000Z', to: '2025-01-15T00:00:00.000Z' },
      { index: 2, from: '2025-01-15T00:00:00.000Z', to: '2025-01-18T00:00:00.000Z' },
    ]);
  });

  it('names the option that is wrong', () => {
    const field = (f: () => unknown): unknown => { try { f(); } catch (e) { return isWerkbrugError(e) ? e.where.field : e; } return undefined; };
    expect(field(() => splitWindows('gisteren', '2025-01-01', 7))).toBe('--from');
    expect(field(() => splitWindows('2025-02-01', '2025-01-01', 7))).toBe('--to');
    expect(field(() => splitWindows('2025-01-01', '2025-02-01', 0))).toBe('--window-days');
  });
});

describe('planStream', () => {
  it('pulls everything from the stream cursor when the run has no scope', () => {
    expect(planStream(stream, undefined, { connector: timeConnector, settings: {} })).toEqual({ pull: true });
  });

  it('replays a stream from where the run started up to where it ended, on a cursor of its own', () => {
    const ranges = { ServiceRequest: { from: { lastUpdated: 'A' }, to: { lastUpdated: 'B' } } };
    expect(planStream(stream, { kind: 'replay', key: 'rp-1', of: 'r1' }, { connector: timeConnector, settings: {}, ranges })).toEqual({
      pull: true, scope: { cursorKey: 'ServiceRequest@rp-1', start: { lastUpdated: 'A' }, until: { lastUpdated: 'B' } },
    });
    expect(planStream(stream, { kind: 'replay', key: 'rp-1', of: 'r1' }, { connector: timeConnector, settings: {}, ranges: { ServiceRequest: { from: null, to: null } } }))
      .toMatchObject({ pull: false });
    expect(planStream(stream, { kind: 'replay', key: 'rp-1', of: 'r1' }, { connector: timeConnector, settings: {}, ranges: {} })).toMatchObject({ pull: false });
  });

  it('pulls a back-fill window between the cursors of its two instants', () => {
    const scope = { kind: 'window', key: 'bf-1-w002', backfillId: 'bf-1', from: '2025-01-15T00:00:00.000Z', to: '2025-01-22T00:00:00.000Z', index: 2, count: 4 } as const;
    expect(planStream(stream, scope, { connector: timeConnector, settings: {} })).toEqual({
      pull: true, scope: { cursorKey: 'ServiceRequest@bf-1-w002', start: { lastUpdated: scope.from, recent: [] }, until: { lastUpdated: scope.to, recent: [] } },
    });
  });

  it('pulls a source without time windows whole in the first window, up to its cursor now, and nothing in the others', () => {
    const first = { kind: 'window', key: 'bf-1-w000', backfillId: 'bf-1', from: '2025-01-01T00:00:00.000Z', to: '2025-01-08T00:00:00.000Z', index: 0, count: 2 } as const;
    const now = { mutatievolgnummer: 10_400, recent: [] };
    expect(planStream(stream, first, { connector: stufConnector, settings: {}, currentCursor: () => now })).toEqual({ pull: true, scope: { cursorKey: 'ServiceRequest@bf-1-w000', start: null, until: now } });
    expect(planStream(stream, { ...first, key: 'bf-1-w001', index: 1 }, { connector: stufConnector, settings: {} })).toMatchObject({ pull: false });
  });

  it('asks a per-person source about the window period only', () => {
    const scope = { kind: 'window', key: 'bf-2-w000', backfillId: 'bf-2', from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z', index: 0, count: 1 } as const;
    expect(planStream(stream, scope, { connector: personConnector, settings: {} })).toEqual({ pull: true, scope: { cursorKey: 'ServiceRequest@bf-2-w000', start: null, period: { from: '2025-01-01', to: '2025-01-31' } } });
  });

  it('re-pulls released records from the cursor the quarantining run started at', () => {
    const scope = { kind: 'release', key: 'rl-1', from: { ServiceRequest: { lastUpdated: 'A' } } } as const;
    expect(planStream(stream, scope, { connector: timeConnector, settings: {} })).toEqual({ pull: true, scope: { cursorKey: 'ServiceRequest@rl-1', start: { lastUpdated: 'A' } } });
    expect(planStream({ ...stream, name: 'Consent' }, scope, { connector: timeConnector, settings: {} })).toMatchObject({ pull: false });
  });
});

describe('windowDates and narrowPersons', () => {
  it('turns an instant window into inclusive dates', () => {
    expect(windowDates('2025-01-01T00:00:00.000Z', '2025-01-08T00:00:00.000Z')).toEqual({ from: '2025-01-01', to: '2025-01-07' });
  });

  it('keeps the persons whose period overlaps the window, asked about the overlap only', () => {
    const persons = [
      { bsn: '1', pseudonym: 'a', period: { from: '2024-06-01', to: '2025-03-01' } },
      { bsn: '2', pseudonym: 'b', period: { from: '2025-02-01', to: '2025-06-01' } },
      { bsn: '3', pseudonym: 'c', period: { from: '2023-01-01', to: '2024-01-01' } },
    ];
    expect(narrowPersons(persons, { from: '2025-01-01', to: '2025-01-31' }).map((p) => [p.pseudonym, p.period])).toEqual([['a', { from: '2025-01-01', to: '2025-01-31' }]]);
    expect(narrowPersons(persons, undefined)).toEqual(persons);
  });
});
