import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsAfterRun, evaluateAlerts } from '../../src/operations/alerts/evaluate-alerts.js';
import { CAST, CAST_INVALID } from '../../src/sandbox/cast.js';
import { PipelineHarness, partnerId } from '../support/pipeline-harness.js';
import { alertConfig, scratchDir, testDeps, type TestDeps } from './alerts-fixtures.js';
import { startAlertReceiver, type AlertReceiver } from './alerts-receiver.js';

/**
 * Issue 6: "an alert receiver on loopback gets exactly one alert for a failing partner and one
 * recovery". The ggz sandbox answers every EpisodeOfCare request 500 until told otherwise, so
 * each sync fails after its job's retries; after every run the sync job's hook and two
 * scheduler checks run at once, while the receiver answers 503 for a while. Then the partner
 * recovers and one sync succeeds.
 */
const key = `failed-run:${partnerId}`;

/** Values of the sandbox's cast that are personal data: none may reach an alert or its log line. */
const personal = [...CAST, ...CAST_INVALID].flatMap((p) => [p.bsn, `${p.givenName} ${p.familyName}`, p.familyName, p.street, p.postalCode, p.birthDate, p.phone]);

describe('alerts for a partner that fails, end to end', () => {
  let harness: PipelineHarness;
  let receiver: AlertReceiver;
  let deps: () => TestDeps;
  const all: TestDeps[] = [];
  const scratch = scratchDir('alerts-e2e');

  beforeAll(async () => {
    harness = await PipelineHarness.start({ name: 'alerts-e2e', persons: 40 });
    receiver = await startAlertReceiver();
    // The edge-cases caseload quarantines some records on purpose; this test is about failed runs.
    const config = alertConfig(harness.runtime.config, scratch.dir, { url: receiver.url, retries: 2, baseDelayMs: 5, quarantineRate: 0.5 });
    deps = () => {
      const d = testDeps(config, harness.store, { now: harness.runtime.now, env: { WERKBRUG_ALERT_SECRET: 'e2e-shared-secret' } });
      all.push(d);
      return d;
    };
  });

  afterAll(async () => {
    await receiver?.close();
    await harness?.close();
    scratch.cleanup();
  });

  it('the receiver gets exactly one alert and one recovery for failed-run:ggz-altrecht, without personal data', async () => {
    const h = harness;
    await h.armFault({ match: { path: '/fhir/EpisodeOfCare' }, fault: { type: 'http-error', status: 500 }, times: 0 });
    receiver.failNext(503, 3);

    for (let i = 0; i < 3; i += 1) {
      const run = await h.sync();
      expect(run.status).toBe('failed');
      await Promise.all([alertsAfterRun(deps(), run), evaluateAlerts(deps()), evaluateAlerts(deps())]);
    }

    const forKey = () => receiver.received.filter((body) => body.key === key);
    expect(forKey().map((body) => body.event)).toEqual(['alert']);
    const [alert] = forKey();
    expect(alert).toMatchObject({ kind: 'failed-run', partner: partnerId, detail: { errorCode: 'WB_PARTNER_UNREACHABLE' } });
    expect(receiver.requests.some((r) => r.status === 503)).toBe(true);
    expect(receiver.requests.every((r) => r.headers['x-werkbrug-secret'] === 'e2e-shared-secret')).toBe(true);
    expect((await h.store.operations.listAlerts({ status: 'firing' })).map((a) => a.alertKey)).toContain(key);

    await h.clearFaults();
    const recovered = await h.sync();
    expect(recovered.status, recovered.errorMessage ?? '').toBe('succeeded');
    await Promise.all([alertsAfterRun(deps(), recovered), evaluateAlerts(deps()), evaluateAlerts(deps())]);
    await evaluateAlerts(deps());

    expect(forKey().map((body) => body.event)).toEqual(['alert', 'recovery']);
    expect(forKey()[1]).toMatchObject({ since: alert?.since, partner: partnerId });
    expect(Date.parse(forKey()[1]?.resolvedAt ?? '')).toBeGreaterThan(Date.parse(alert?.since ?? ''));
    // Nothing else fired: the other partners never ran, and the consent log verifies.
    expect(receiver.received.map((body) => body.key)).toEqual([key, key]);

    const sent = receiver.requests.map((r) => r.text).join('\n');
    const logged = all.flatMap((d) => d.logs.lines).join('\n');
    expect(personal.filter((value) => sent.includes(value))).toEqual([]);
    expect(personal.filter((value) => logged.includes(value))).toEqual([]);
    expect(logged).not.toContain('e2e-shared-secret');
  });
});
