import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../../src/consent/checkpoint-writer.js';
import { evaluateAlerts } from '../../src/operations/alerts/evaluate-alerts.js';
import { openTestStore, testEngines, type TestStore } from '../support/postgres.js';
import { decisionEntry } from '../store/store-fixtures.js';
import { alertConfig, alertRig, hoursAfter, regionConfig, seedRun, testDeps } from './alerts-fixtures.js';

/**
 * The conditions other than a failed run (that one runs end to end in alerts-e2e.test.ts): a
 * quarantine rate above the limit, a partner without a successful sync for too long, and a
 * consent or access log that fails verification — each one alert while it holds and one
 * recovery when it ends, judged from what a real store holds.
 */
const engines = await testEngines();
const t0 = '2025-06-02T07:00:00.000Z';

describe.each(engines)('alert conditions on $name', (engine) => {
  const rig = alertRig(engine, 'alert-conditions');

  const deps = (overrides: Parameters<typeof alertConfig>[2] = {}) => testDeps(alertConfig(regionConfig, rig.scratch.dir, { url: rig.receiver.url, ...overrides }), rig.t.store);
  const messages = (key: string) => rig.receiver.received.filter((body) => body.key === key).map((body) => body.event);

  describe('quarantine-rate', () => {
    it('alerts once when the latest run quarantined more than the limit, ignores small runs, recovers on a run under it', async () => {
      const d = deps({ quarantineRate: 0.05, quarantineMinRead: 20 });
      await seedRun(rig.t.store, { runId: 'r1', status: 'succeeded', finishedAt: t0, read: 100, quarantined: 10 });

      await evaluateAlerts(d, { now: hoursAfter(t0, 1) });
      await evaluateAlerts(d, { now: hoursAfter(t0, 2) });

      expect(messages('quarantine-rate:ggz-altrecht')).toEqual(['alert']);
      const alert = rig.receiver.received.find((body) => body.key === 'quarantine-rate:ggz-altrecht');
      expect(alert).toMatchObject({ kind: 'quarantine-rate', partner: 'ggz-altrecht', region: 'AM13', detail: { runId: 'r1', read: 100, quarantined: 10, rate: 0.1, limit: 0.05 } });
      expect(alert?.summary).toBe('Run r1 of ggz-altrecht quarantined 10 of 100 records read (10.0 %, limit 5.0 %).');

      // Too few records read to judge: the alert stays, no recovery.
      await seedRun(rig.t.store, { runId: 'r2', status: 'succeeded', finishedAt: hoursAfter(t0, 3).toISOString(), read: 10, quarantined: 0 });
      await evaluateAlerts(d, { now: hoursAfter(t0, 4) });
      expect(messages('quarantine-rate:ggz-altrecht')).toEqual(['alert']);
      expect((await rig.t.store.operations.getAlert('quarantine-rate:ggz-altrecht'))?.status).toBe('firing');

      await seedRun(rig.t.store, { runId: 'r3', status: 'succeeded', finishedAt: hoursAfter(t0, 5).toISOString(), read: 100, quarantined: 5 });
      await evaluateAlerts(d, { now: hoursAfter(t0, 6) });
      await evaluateAlerts(d, { now: hoursAfter(t0, 7) });

      expect(messages('quarantine-rate:ggz-altrecht')).toEqual(['alert', 'recovery']);
      const recovery = rig.receiver.received.find((body) => body.event === 'recovery');
      expect(recovery).toMatchObject({ since: alert?.since, resolvedAt: hoursAfter(t0, 6).toISOString() });
      expect(recovery?.summary).toMatch(/^Recovered: Run r1 of ggz-altrecht quarantined/);
    });
  });

  describe('stale', () => {
    it('alerts when a partner had no success for longer than its limit, counts a never-synced partner from when it was first seen, skips a partner switched off', async () => {
      // A store of its own: "first seen" is remembered per store for the life of the process.
      const own = await openTestStore(engine);
      try {
        await staleCase(own);
      } finally {
        await own.close();
      }
    });

    async function staleCase(t: TestStore): Promise<void> {
      const base = alertConfig(regionConfig, rig.scratch.dir, { url: rig.receiver.url, staleAfterHours: 36 });
      const config = {
        ...base,
        partners: base.partners.map((p) => (p.id === 'ggz-altrecht' ? { ...p, staleAfterHours: 12 } : p.id === 'uwv' ? { ...p, paused: true } : p)),
      };
      const d = testDeps(config, t.store);
      const others = config.partners.filter((p) => p.id !== 'ggz-altrecht' && !p.paused).map((p) => p.id);
      expect(others.length).toBeGreaterThan(0);
      await seedRun(t.store, { runId: 'r1', status: 'succeeded', finishedAt: t0 });

      await evaluateAlerts(d, { now: hoursAfter(t0, 11) });
      expect(rig.receiver.received).toEqual([]);

      await evaluateAlerts(d, { now: hoursAfter(t0, 13) });
      expect(rig.receiver.received.map((body) => body.key)).toEqual(['stale:ggz-altrecht']);
      expect(rig.receiver.received[0]).toMatchObject({ event: 'alert', detail: { lastSuccessRunId: 'r1', staleAfterHours: 12, hoursWithoutSuccess: 13, pausedByOperations: false } });

      // The others were first seen 11 hours in and have never synced: stale 36 hours after that.
      await evaluateAlerts(d, { now: hoursAfter(t0, 11 + 36.5) });
      expect(rig.receiver.received.map((body) => body.key).sort()).toEqual(['stale:ggz-altrecht', ...others.map((id) => `stale:${id}`)].sort());
      expect(rig.receiver.received.find((body) => body.key === `stale:${others[0]}`)?.summary).toMatch(/has never synced successfully for 36 hours \(limit 36\)/);
      expect(messages('stale:uwv')).toEqual([]);

      await seedRun(t.store, { runId: 'r2', status: 'succeeded', finishedAt: hoursAfter(t0, 48).toISOString() });
      await evaluateAlerts(d, { now: hoursAfter(t0, 48.5) });
      await evaluateAlerts(d, { now: hoursAfter(t0, 49) });
      expect(messages('stale:ggz-altrecht')).toEqual(['alert', 'recovery']);
    }
  });

  describe('consent-log', () => {
    afterEach(async () => {
      await rig.t.sql.exec('ALTER TABLE consent_log ENABLE TRIGGER USER');
    });

    it('alerts once when an entry of the log was changed behind werkbrug\'s back, and recovers when it verifies again', async () => {
      const d = deps();
      await rig.t.store.transaction((tx) => tx.appendConsentLog(Array.from({ length: 9 }, (_, i) => decisionEntry(i + 1))));
      await evaluateAlerts(d, { now: hoursAfter(t0, 1) });
      expect(messages('consent-log:region')).toEqual([]);

      // The append-only trigger is the first line of defence; an operator with SQL access can drop it.
      await rig.t.sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
      const [original] = await rig.t.sql.query('SELECT content::text AS content FROM consent_log WHERE seq = 7');
      await rig.t.sql.exec(`UPDATE consent_log SET content = jsonb_set(content, '{recordRef}', '"ggz-altrecht:ServiceRequest/forged/_history/1"') WHERE seq = 7`);

      await evaluateAlerts(d, { now: hoursAfter(t0, 2) });
      await evaluateAlerts(d, { now: hoursAfter(t0, 3) });

      expect(messages('consent-log:region')).toEqual(['alert']);
      const alert = rig.receiver.received.find((body) => body.key === 'consent-log:region');
      expect(alert).toMatchObject({ kind: 'consent-log', partner: null, detail: { consentLogOk: false, consentLogFirstBadSeq: 7, consentLogProblem: 'changed', accessLogOk: true } });
      expect(alert?.summary).toMatch(/the consent log at entry #7 \(changed\)/);
      expect(JSON.stringify(alert)).not.toContain('forged');

      await rig.t.sql.query('UPDATE consent_log SET content = $1::jsonb WHERE seq = 7', [original?.content]);
      await evaluateAlerts(d, { now: hoursAfter(t0, 4) });

      expect(messages('consent-log:region')).toEqual(['alert', 'recovery']);
    });

    it('checks the signed checkpoints too when a key is configured: a tail cut off with its head alerts', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const env = { WERKBRUG_CHECKPOINT_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), WERKBRUG_CHECKPOINT_KEY_ID: 'test-cp' };
      const config = alertConfig(regionConfig, join(rig.scratch.dir, 'with-checkpoints'), { url: rig.receiver.url });
      const d = testDeps(config, rig.t.store, { env });
      await rig.t.store.transaction((tx) => tx.appendConsentLog(Array.from({ length: 9 }, (_, i) => decisionEntry(i + 1))));
      const written = await writeCheckpoint({ store: rig.t.store, config, env, now: hoursAfter(t0, 1), logger: d.logger });
      expect(written.written).toBe(true);

      await evaluateAlerts(d, { now: hoursAfter(t0, 2) });
      expect(messages('consent-log:region')).toEqual([]);

      // The chain alone still verifies once the head is moved back with the cut: only the checkpoint knows.
      await rig.t.sql.exec('ALTER TABLE consent_log DISABLE TRIGGER USER');
      await rig.t.sql.exec('DELETE FROM consent_log WHERE seq > 7');
      await rig.t.sql.exec('UPDATE consent_log_head SET seq = 7, hash = (SELECT hash FROM consent_log WHERE seq = 7) WHERE id = 1');
      expect((await rig.t.store.verifyConsentLog()).ok).toBe(true);

      await evaluateAlerts(d, { now: hoursAfter(t0, 3) });

      expect(messages('consent-log:region')).toEqual(['alert']);
      expect(rig.receiver.received[0]).toMatchObject({ detail: { consentLogOk: true, accessLogOk: true, checkpointsChecked: 1, checkpointsFailed: 1 } });
      expect(rig.receiver.received[0]?.summary).toMatch(/1 of 1 checkpoints/);
    });
  });
});
