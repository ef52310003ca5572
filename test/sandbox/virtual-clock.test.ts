import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/sandbox/virtual-clock.js';

describe('VirtualClock', () => {
  describe('without a start instant', () => {
    it('follows the real clock and keeps following it after an advance', () => {
      let real = Date.parse('2026-01-10T12:00:00Z');
      const clock = new VirtualClock(undefined, () => real);
      expect(clock.nowMs()).toBe(real);
      expect(clock.frozen).toBe(false);
      real += 5_000;
      expect(clock.nowMs()).toBe(Date.parse('2026-01-10T12:00:05Z'));
      clock.advance(3600);
      real += 1_000;
      expect(clock.now().toISOString()).toBe('2026-01-10T13:00:06.000Z');
    });
  });

  describe('with a start instant', () => {
    it('stays frozen there, moves only when told, and reset returns to the start', () => {
      let real = 0;
      const clock = new VirtualClock('2025-06-02T09:00:00+02:00', () => real);
      real += 60_000;
      expect(clock.state()).toEqual({ now: '2025-06-02T09:00:00.000+02:00', frozen: true });
      clock.advance(90);
      expect(clock.state().now).toBe('2025-06-02T09:01:30.000+02:00');
      clock.set('2025-12-01T00:00:00Z');
      expect(clock.state().now).toBe('2025-12-01T01:00:00.000+01:00');
      clock.reset();
      expect(clock.state().now).toBe('2025-06-02T09:00:00.000+02:00');
    });

    it('runs on from a set instant when asked', () => {
      let real = 1_000;
      const clock = new VirtualClock('2025-06-02T09:00:00+02:00', () => real);
      clock.run();
      real += 2_000;
      expect(clock.state()).toEqual({ now: '2025-06-02T09:00:02.000+02:00', frozen: false });
      clock.freeze();
      real += 2_000;
      expect(clock.state().now).toBe('2025-06-02T09:00:02.000+02:00');
    });
  });

  it('refuses an instant it cannot read', () => {
    expect(() => new VirtualClock('yesterday')).toThrow(RangeError);
  });
});
