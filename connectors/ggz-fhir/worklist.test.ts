import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerHttp } from '../../src/connector/axios-partner-http.js';
import { CAST, P1, P2, P3, P5, P6, P7, P8 } from '../../src/sandbox/index.js';
import { ggzFhirConfigSchema, ggzFhirOrigins } from './config-schema.js';
import { startGgzSandbox, type GgzSandbox } from './sandbox/server.js';
import { ggzWorklist } from './worklist.js';

/** The ggz part of the UWV worklist, against the real sandbox: who has an IPS trajectory. */
describe('ggzWorklist', () => {
  let sandbox: GgzSandbox;
  beforeAll(async () => { sandbox = await startGgzSandbox({ persons: 60, now: '2025-06-02T09:00:00+02:00' }); });
  afterAll(async () => { await sandbox.close(); });

  async function worklist(): Promise<string[]> {
    const config = ggzFhirConfigSchema.parse({ baseUrl: sandbox.baseUrl, tokenEnv: 'GGZ_TOKEN' });
    const http = createPartnerHttp({ partnerId: 'ggz-altrecht', allowedOrigins: ggzFhirOrigins(config), token: sandbox.token, timeoutMs: 5000, maxBodyBytes: 16 * 1024 * 1024, retries: 1, baseDelayMs: 1, maxRetryAfterSeconds: 1 });
    const bsns: string[] = [];
    for await (const entry of ggzWorklist(config, http)) bsns.push(entry.bsn);
    return bsns;
  }

  it('yields the BSN of every patient with an IPS trajectory, and of no one else', async () => {
    const bsns = await worklist();
    const cast = bsns.filter((bsn) => CAST.some((p) => p.bsn === bsn || p.bsn === `0${bsn}`));
    // P4 has only a referral and P9's referral was revoked before a start: no trajectory.
    expect(new Set(cast)).toEqual(new Set([P1, P2, P3, P5, P6, P7, P8].map((p) => p.bsn)));
    const episodes = sandbox.groundTruth().resources.EpisodeOfCare ?? [];
    expect(new Set(bsns).size).toBe(episodes.filter((e) => !e.deleted).length);
  });

  it('asks the reverse chain for identifiers only', async () => {
    const before = sandbox.journal().length;
    await worklist();
    const asked = sandbox.journal().slice(before);
    expect(asked.map((entry) => [entry.method, entry.path, entry.status])).toEqual([['GET', '/fhir/Patient', 200]]);
  });
});
