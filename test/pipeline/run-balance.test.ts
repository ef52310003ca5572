import { describe, expect, it } from 'vitest';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { emptyRunCounts } from '../../src/store/store.js';

describe('runBalance', () => {
  it('closes when every record read is accounted for once', () => {
    const counts = { ...emptyRunCounts(), read: 10, stored: 4, unchanged: 1, quarantined: 2, refused: 1, pending: 1, absorbed: 1 };
    expect(runBalance({ EpisodeOfCare: counts }).closes).toBe(true);
  });

  it('names the stream whose balance does not close', () => {
    const counts = { ...emptyRunCounts(), read: 10, stored: 8 };
    const balance = runBalance({ ServiceRequest: counts });
    expect(balance.closes).toBe(false);
    expect(balance.problems).toEqual(['stream ServiceRequest: read 10, accounted for 8']);
  });
});
