import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorklist } from '../../src/pipeline/worklist.js';
import { CAST, P1, P2, P7, P8 } from '../../src/sandbox/index.js';
import { PipelineHarness } from '../support/pipeline-harness.js';

/**
 * The UWV worklist (`partners/uwv-suwinet.md` §1): built in memory from the other partners'
 * worklist questions, after the ggz run stored consents and trajectories. Only persons with a
 * permit for a work-outcome purpose and a trajectory START are asked about.
 */
describe('buildWorklist', () => {
  let harness: PipelineHarness;
  beforeAll(async () => {
    harness = await PipelineHarness.start({ name: 'worklist', scenario: 'default', persons: 40, logLevel: 'debug' });
    const run = await harness.sync();
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => { await harness?.close(); });

  it('asks about exactly the cast persons with consent and a start, each from 12 months before the start', async () => {
    const worklist = await buildWorklist(harness.runtime, 'uwv', harness.runtime.logger);
    const pseudonymOf = (bsn: string) => harness.runtime.pseudonymiser.person(bsn);
    const castPseudonyms = new Map(CAST.map((p) => [pseudonymOf(p.bsn), p.key]));
    const askedCast = worklist.persons.filter((q) => castPseudonyms.has(q.pseudonym)).map((q) => castPseudonyms.get(q.pseudonym));
    // P3 withdrew, P5's consent expired, P6 has none: not asked. P4 and P9 never started: not on the list.
    expect(askedCast.sort()).toEqual([P1.key, P2.key, P7.key, P8.key].sort());
    const p1 = worklist.persons.find((q) => q.pseudonym === pseudonymOf(P1.bsn));
    expect(p1?.bsn).toBe(P1.bsn);
    expect(p1?.period.from).toBe('2024-02-03');
    expect(worklist.counts['skipped-no-consent']).toBeGreaterThanOrEqual(3);
    expect(worklist.counts.worklist).toBe(worklist.persons.length + (worklist.counts['skipped-no-consent'] ?? 0) + (worklist.counts['skipped-no-start'] ?? 0));
    expect([...worklist.persons].map((q) => q.pseudonym)).toEqual([...worklist.persons].map((q) => q.pseudonym).sort());
  });

  it('asks nobody while the latest run could not read the consent source (fail closed)', async () => {
    await harness.armFault({ match: { path: '/fhir/Consent' }, fault: { type: 'http-error', status: 503 }, times: 0 });
    try {
      const run = await harness.sync();
      expect(run.errorCode).toBe('WB_CONSENT_SOURCE_UNREACHABLE');
      const worklist = await buildWorklist(harness.runtime, 'uwv', harness.runtime.logger);
      expect(worklist.persons).toEqual([]);
      expect(worklist.counts).toEqual({ 'consent-unreadable': 1 });
    } finally {
      await harness.clearFaults();
    }
    expect((await harness.sync()).status).toBe('succeeded');
    expect((await buildWorklist(harness.runtime, 'uwv', harness.runtime.logger)).persons.length).toBeGreaterThan(0);
  });

  it('writes no BSN to a log line', async () => {
    await buildWorklist(harness.runtime, 'uwv', harness.runtime.logger);
    const lines = harness.logs.lines.join('\n');
    expect(lines).toContain('worklist built');
    for (const person of CAST) expect(lines).not.toContain(person.bsn);
  });
});
