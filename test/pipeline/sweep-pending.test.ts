import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { loadReferenceTables } from '../../src/config/reference.js';
import { createLogger } from '../../src/logging/logger.js';
import { ingestBatch } from '../../src/pipeline/ingest-batch.js';
import type { Runtime } from '../../src/pipeline/runtime.js';
import { sweepOverduePending } from '../../src/pipeline/sweep-pending.js';
import { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/** Records that waited longer than `consent.maxWaitDays` are refused at the end of a run (CR03). */
const person = 'ps1:demo-2025a:AAAAoqt-bILMfGaje43cbw8CBryttzBp1TFELz-fsoA';
const readAt = new Date('2025-06-02T07:00:00Z');

describe('sweepOverduePending', () => {
  let store: Store;
  let now = readAt;
  let runtime: Runtime;

  beforeEach(async () => {
    store = await openStore({ inMemory: true });
    runtime = {
      config: parseConfig('config/midden-utrecht.yaml', readFileSync('config/midden-utrecht.yaml', 'utf8')),
      store, logger: createLogger({ level: 'silent' }), env: {}, reference: loadReferenceTables(),
      pseudonymiser: new Pseudonymiser({ keyId: 'test', key: randomBytes(32) }), now: () => now,
    };
    await store.createRun({ runId: 'r-1', partnerId: 'ggz-altrecht', trigger: 'test', startedAt: readAt.toISOString() });
    await ingestBatch(store, {
      runId: 'r-1', partnerId: 'ggz-altrecht', stream: 'EpisodeOfCare', batchId: 'b1-r-1-EpisodeOfCare-a0-p00001', connector: 'ggz-fhir@0.1.0',
      mappingVersion: '2026.11', cursor: {}, read: 1, absorbed: 0, consentReadable: true, rejections: [],
      records: [{ draft: {
        record_kind: 'referral', person, subject: { as_of: '2025-05-01', age_band: 'A27_34' },
        source: { partner_id: 'ggz-altrecht', record_ref: 'ggz-altrecht:ServiceRequest/sr-1/_history/1', record_key: 'ggz-altrecht:ServiceRequest/sr-1', version: '1', modified_at: '2025-05-01T10:00:00Z' },
        referral: { programme: 'IPS', referral_date: '2025-05-01', referred_by: 'gemeente', status: 'open' },
      } }],
    }, { purposes: runtime.config.purposes, maxWaitDays: 30, now: readAt });
  });
  afterEach(async () => store.close());

  it('leaves a record that has not waited long enough', async () => {
    now = new Date('2025-06-20T07:00:00Z');
    expect(await sweepOverduePending(runtime, { runId: 'r-1', partnerId: 'ggz-altrecht', consentReadable: true })).toEqual({ released: 0, lapsed: 0 });
    expect(await store.countPending()).toBe(1);
  });

  it('refuses a record that waited past the waiting time, and logs it under CR03', async () => {
    now = new Date('2025-07-05T07:00:00Z');
    expect(await sweepOverduePending(runtime, { runId: 'r-1', partnerId: 'ggz-altrecht', consentReadable: true })).toEqual({ released: 0, lapsed: 1 });
    expect(await store.countPending()).toBe(0);
    const last = (await store.readConsentLog({ limit: 10 })).at(-1);
    expect(last?.content.purposes.map((p) => p.rule)).toEqual(['CR03-no-consent-after-wait', 'CR03-no-consent-after-wait']);
    expect((await store.getRun('r-1'))?.streams.EpisodeOfCare?.lapsed).toBe(1);
  });

  it('refuses nothing while the consent source cannot be read: the record keeps waiting', async () => {
    now = new Date('2025-07-05T07:00:00Z');
    expect(await sweepOverduePending(runtime, { runId: 'r-1', partnerId: 'ggz-altrecht', consentReadable: false })).toEqual({ released: 0, lapsed: 0 });
    expect(await store.countPending()).toBe(1);
  });
});
