import { describe, expect, it } from 'vitest';
import { progressOf, resumePoint } from '../../jobs/pull.js';

/** A retried per-person pull of the same run resumes after the last person whose page was stored. */
const persons = ['ps1:k:a', 'ps1:k:b', 'ps1:k:c'].map((pseudonym) => ({ bsn: '999990019', pseudonym, period: { from: '2024-01-01', to: '2025-01-01' } }));

describe('per-person progress', () => {
  it('records the last person of the stored pages, with the run', () => {
    expect(progressOf({ persons }, 2, 'r1')).toEqual({ runId: 'r1', afterPseudonym: 'ps1:k:b' });
    expect(progressOf({ persons }, 0, 'r1')).toEqual({ runId: 'r1' });
    expect(progressOf({ persons }, 9, 'r1')).toEqual({ runId: 'r1', afterPseudonym: 'ps1:k:c' });
  });

  it('resumes only within the same run; a new run asks everyone again', () => {
    const cursor = { lastRunDate: '2025-01-01', ...progressOf({ persons }, 2, 'r1') };
    expect(resumePoint(cursor, 'r1')).toBe('ps1:k:b');
    expect(resumePoint(cursor, 'r2')).toBeUndefined();
    expect(resumePoint(undefined, 'r1')).toBeUndefined();
  });
});
