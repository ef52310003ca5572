import { beforeEach, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/operations/alerts/evaluate-alerts.js';
import { createPostgresClient } from '../../src/store/postgres-client.js';
import { SqlStore } from '../../src/store/sql-store.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl, testEngines } from '../support/postgres.js';
import { alertConfig, alertRig, hoursAfter, regionConfig, seedRun, testDeps } from './alerts-fixtures.js';

/**
 * Delivery to the webhook on loopback: retries on 5xx, 429 (after its Retry-After), timeouts;
 * no retry of another 4xx; the secret header; alerts kept and logged without a webhook; and
 * several evaluators at once — on PostgreSQL each with a connection pool of its own, as
 * schedulers on several machines — sending one alert and one recovery between them.
 */
const engines = await testEngines();
const t0 = '2025-06-02T07:00:00.000Z';
const key = 'failed-run:ggz-altrecht';

describe.each(engines)('alert delivery on $name', (engine) => {
  const rig = alertRig(engine, 'alert-delivery');
  beforeEach(async () => {
    await seedRun(rig.t.store, { runId: 'r1', status: 'failed', finishedAt: t0, errorCode: 'WB_PARTNER_UNREACHABLE' });
  });

  const config = (alerts: Parameters<typeof alertConfig>[2] = {}) => alertConfig(regionConfig, rig.scratch.dir, { url: rig.receiver.url, ...alerts });
  const events = () => rig.receiver.received.filter((body) => body.key === key).map((body) => body.event);
  const requestsFor = () => rig.receiver.requests.filter((r) => r.text.includes(`"key":"${key}"`));

  it('retries 503s with exponential back-off until the webhook takes the alert', async () => {
    const d = testDeps(config({ retries: 4, baseDelayMs: 5 }), rig.t.store);
    rig.receiver.failNext(503, 2);

    const report = await evaluateAlerts(d, { now: hoursAfter(t0, 1) });

    expect(events()).toEqual(['alert']);
    expect(requestsFor().map((r) => r.status)).toEqual([503, 503, 204]);
    expect(d.waits).toEqual([5, 10]);
    expect(report.sent).toContain(key);
    expect(rig.receiver.received[0]).toMatchObject({ werkbrug: 'alert/1', event: 'alert', key, kind: 'failed-run', partner: 'ggz-altrecht', region: 'AM13', since: hoursAfter(t0, 1).toISOString(), resolvedAt: null, detail: { runId: 'r1', errorCode: 'WB_PARTNER_UNREACHABLE', trigger: 'test' } });
    expect((await rig.t.store.operations.getAlert(key))?.notifiedAt).not.toBeNull();
  });

  it('waits the Retry-After of a 429 (capped) before the next attempt', async () => {
    const d = testDeps(config({ baseDelayMs: 5 }), rig.t.store);
    rig.receiver.failNext(429, 1, '1');

    await evaluateAlerts(d, { now: hoursAfter(t0, 1) });

    expect(d.waits).toEqual([1000]);
    expect(requestsFor().map((r) => r.status)).toEqual([429, 204]);
  });

  it('retries a webhook that does not answer in time', async () => {
    const d = testDeps(config({ timeoutMs: 300 }), rig.t.store);
    rig.receiver.hangNext(1);

    await evaluateAlerts(d, { now: hoursAfter(t0, 1) });

    expect(requestsFor().map((r) => r.status)).toEqual([0, 204]);
    expect(events()).toEqual(['alert']);
    expect(d.logs.parsed().find((l) => l.msg === 'alert delivery retried')).toMatchObject({ problem: 'no answer within 300 ms', attempt: 1 });
  });

  it('does not retry a 400 at once, logs it naming the status, and sends it at the next check', async () => {
    const d = testDeps(config({ retries: 4 }), rig.t.store);
    rig.receiver.failNext(400, 2);

    const first = await evaluateAlerts(d, { now: hoursAfter(t0, 1) });
    expect(requestsFor().map((r) => r.status)).toEqual([400]);
    expect(first.undelivered).toEqual([key]);
    const refused = d.logs.parsed().find((l) => l.msg === 'alert refused by the webhook (answered HTTP 400): tried again at the next check');
    expect(refused).toMatchObject({ level: 'error', code: 'WB_OPERATIONS_ALERT_UNDELIVERED', status: 400, attempts: 1, alertKey: key });

    await evaluateAlerts(d, { now: hoursAfter(t0, 2) });
    await evaluateAlerts(d, { now: hoursAfter(t0, 3) });

    expect(requestsFor().map((r) => r.status)).toEqual([400, 400, 204]);
    expect(events()).toEqual(['alert']);
  });

  it('sends the shared secret in the configured header, and no such header without the variable', async () => {
    const withSecret = testDeps(config({ secretHeader: 'X-Alert-Token', secretEnv: 'TEST_ALERT_SECRET' }), rig.t.store, { env: { TEST_ALERT_SECRET: 's3cr3t-value' } });
    await evaluateAlerts(withSecret, { now: hoursAfter(t0, 1) });
    expect(rig.receiver.requests[0]?.headers['x-alert-token']).toBe('s3cr3t-value');
    expect(rig.receiver.requests[0]?.headers['content-type']).toBe('application/json');
    expect(withSecret.logs.lines.join('\n')).not.toContain('s3cr3t-value');

    await seedRun(rig.t.store, { runId: 'r2', status: 'succeeded', finishedAt: hoursAfter(t0, 2).toISOString() });
    await evaluateAlerts(testDeps(config({ secretHeader: 'X-Alert-Token', secretEnv: 'TEST_ALERT_SECRET' }), rig.t.store), { now: hoursAfter(t0, 3) });
    expect(rig.receiver.requests.map((r) => r.headers['x-alert-token'])).toEqual(['s3cr3t-value', undefined]);
    expect(events()).toEqual(['alert', 'recovery']);
  });

  it('without a webhook: stores and logs the alert, sends nothing, and sends it once a webhook is configured', async () => {
    const unconfigured = testDeps(config({ url: undefined }), rig.t.store);
    const report = await evaluateAlerts(unconfigured, { now: hoursAfter(t0, 1) });
    await evaluateAlerts(unconfigured, { now: hoursAfter(t0, 2) });

    expect(rig.receiver.requests).toEqual([]);
    expect(report.undelivered).toContain(key);
    const firing = unconfigured.logs.parsed().filter((l) => l.msg === 'alert firing' && l.alertKey === key);
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ level: 'warn', kind: 'failed-run', partner: 'ggz-altrecht' });
    expect(await rig.t.store.operations.getAlert(key)).toMatchObject({ status: 'firing', notifiedAt: null });

    await evaluateAlerts(testDeps(config(), rig.t.store), { now: hoursAfter(t0, 3) });
    expect(events()).toEqual(['alert']);
  });

  it('sends no recovery for an alert that never arrived', async () => {
    const unconfigured = testDeps(config({ url: undefined }), rig.t.store);
    await evaluateAlerts(unconfigured, { now: hoursAfter(t0, 1) });
    await seedRun(rig.t.store, { runId: 'r2', status: 'succeeded', finishedAt: hoursAfter(t0, 2).toISOString() });

    await evaluateAlerts(testDeps(config(), rig.t.store), { now: hoursAfter(t0, 3) });

    expect(rig.receiver.requests).toEqual([]);
    expect(await rig.t.store.operations.getAlert(key)).toMatchObject({ status: 'resolved', notifiedAt: null, recoveryNotifiedAt: null });
  });

  it('logs a webhook variable that is not set as an error and keeps the alert', async () => {
    const d = testDeps(config({ url: undefined, urlEnv: 'TEST_ALERT_WEBHOOK_URL' }), rig.t.store);
    await evaluateAlerts(d, { now: hoursAfter(t0, 1) });
    expect(rig.receiver.requests).toEqual([]);
    expect(d.logs.parsed().find((l) => l.msg === 'alert webhook misconfigured: alerts are logged, not sent')).toMatchObject({ level: 'error', code: 'WB_CONFIG_SECRET_MISSING' });

    await evaluateAlerts(testDeps(d.config, rig.t.store, { env: { TEST_ALERT_WEBHOOK_URL: rig.receiver.url } }), { now: hoursAfter(t0, 2) });
    expect(events()).toEqual(['alert']);
  });

  it('several evaluators at once, each on its own connections, with a webhook failing for a while: one alert, then one recovery', async () => {
    // On PostgreSQL every evaluator has a pool of its own, as schedulers on other machines would.
    const stores: Store[] = [rig.t.store];
    const extra: SqlStore[] = [];
    if (engine.name === 'postgres') {
      for (let i = 0; i < 3; i += 1) {
        const store = new SqlStore(await createPostgresClient({ databaseUrl: testDatabaseUrl, schema: rig.t.schema, poolSize: 3 }));
        extra.push(store);
        stores.push(store);
      }
    }
    try {
      const settings = config({ retries: 2, baseDelayMs: 5 });
      rig.receiver.failNext(503, 4);
      for (let round = 1; round <= 3; round += 1) {
        await Promise.all(Array.from({ length: 6 }, (_, i) => evaluateAlerts(testDeps(settings, stores[i % stores.length] ?? rig.t.store), { now: hoursAfter(t0, round) })));
      }
      expect(events()).toEqual(['alert']);

      await seedRun(rig.t.store, { runId: 'r2', status: 'succeeded', finishedAt: hoursAfter(t0, 4).toISOString() });
      rig.receiver.failNext(502, 3);
      for (let round = 5; round <= 7; round += 1) {
        await Promise.all(Array.from({ length: 6 }, (_, i) => evaluateAlerts(testDeps(settings, stores[i % stores.length] ?? rig.t.store), { now: hoursAfter(t0, round) })));
      }

      expect(events()).toEqual(['alert', 'recovery']);
      expect(await rig.t.store.operations.getAlert(key)).toMatchObject({ status: 'resolved', resolvedAt: hoursAfter(t0, 5).toISOString() });
    } finally {
      for (const store of extra) await store.close();
    }
  });
});
