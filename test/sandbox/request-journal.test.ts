import { describe, expect, it } from 'vitest';
import { hashBsn, RequestJournal } from '../../src/sandbox/request-journal.js';

describe('RequestJournal', () => {
  it('records method, path, operation, status, fault and duration, and a BSN only as a hash', () => {
    const journal = new RequestJournal();
    const finish = journal.start({ method: 'GET', path: '/fhir/Consent', operation: 'search-type', requestId: 'r-1', bsn: '999990019' }, { type: 'delay', source: 'f1' });
    expect(journal.list()[0]).toMatchObject({ seq: 1, status: null, outcome: 'in-flight', durationMs: null });
    finish(200, 'sent');
    const [entry] = journal.list();
    expect(entry).toMatchObject({ method: 'GET', path: '/fhir/Consent', operation: 'search-type', requestId: 'r-1', status: 200, outcome: 'sent', fault: { type: 'delay', source: 'f1' } });
    expect(entry?.bsnHash).toBe(hashBsn('999990019'));
    expect(JSON.stringify(entry)).not.toContain('999990019');
    expect(entry?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps the last entries up to its capacity, oldest first, and honours the limit', () => {
    const journal = new RequestJournal(3);
    for (let i = 0; i < 5; i += 1) journal.start({ method: 'GET', path: `/p${i}` })(200, 'sent');
    expect(journal.list().map((entry) => entry.path)).toEqual(['/p2', '/p3', '/p4']);
    expect(journal.list(1).map((entry) => entry.path)).toEqual(['/p4']);
    journal.clear();
    expect(journal.size).toBe(0);
  });
});
