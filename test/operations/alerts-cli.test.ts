import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsListCommand } from '../../src/cli/alerts-commands.js';
import { openStore } from '../../src/store/open-store.js';
import { demoEnv } from '../support/demo-config.js';
import { scratchDir } from './alerts-fixtures.js';
import { startAlertReceiver, type AlertReceiver } from './alerts-receiver.js';

/**
 * `werkbrug alerts list` in-process against an embedded store of its own, and `werkbrug alerts
 * test` as operations runs it: a real process posting to a receiver on loopback.
 */
const scratch = scratchDir('alerts-cli');
const configFile = join(scratch.dir, 'region.yaml');
const storeDir = join(scratch.dir, 'store');

function werkbrug(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: demoEnv(env), encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: stdout, err: stderr });
    });
  });
}

describe('werkbrug alerts', () => {
  let receiver: AlertReceiver;

  beforeAll(async () => {
    receiver = await startAlertReceiver();
    const region = readFileSync('config/midden-utrecht.yaml', 'utf8').replace('embeddedDir: .werkbrug/store', `embeddedDir: ${storeDir}`);
    writeFileSync(configFile, region);
    const store = await openStore({ pgliteDir: storeDir });
    try {
      const at = (h: number) => new Date(Date.parse('2025-06-02T07:00:00.000Z') + h * 3_600_000).toISOString();
      await store.operations.fireAlert({ alertKey: 'failed-run:ggz-altrecht', kind: 'failed-run', partnerId: 'ggz-altrecht', summary: 'Sync of ggz-altrecht failed: run r1 ended with WB_PARTNER_AUTH after its retries.', detail: { runId: 'r1' } }, at(1));
      await store.operations.fireAlert({ alertKey: 'stale:uwv', kind: 'stale', partnerId: 'uwv', summary: 'uwv has had no successful sync for 40 hours (limit 36).', detail: {} }, at(2));
      await store.operations.claimAlertDelivery('stale:uwv', async () => true, () => at(2));
      await store.operations.resolveAlert('stale:uwv', at(3));
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await receiver?.close();
    scratch.cleanup();
  });

  describe('list', () => {
    const list = async (options: { all?: boolean; format?: string }) => {
      let out = '';
      const status = await alertsListCommand({ config: configFile, ...options }, { env: demoEnv(), write: (text) => { out += text; }, now: () => new Date() });
      return { status, out };
    };

    it('shows the firing alerts in a table, with what was delivered', async () => {
      const { status, out } = await list({});
      expect(status).toBe(0);
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^KEY\s+STATUS\s+SINCE\s+RESOLVED\s+DELIVERY\s+SUMMARY$/);
      expect(lines.slice(1)).toHaveLength(1);
      expect(lines[1]).toMatch(/^failed-run:ggz-altrecht\s+firing\s+2025-06-02T08:00:00.000Z\s+-\s+alert not sent\s+Sync of ggz-altrecht failed/);
    });

    it('shows resolved alerts too with --all, and JSON with --format json', async () => {
      const { out } = await list({ all: true });
      expect(out).toMatch(/^stale:uwv\s+resolved\s+2025-06-02T09:00:00.000Z\s+2025-06-02T10:00:00.000Z\s+recovery not sent\s+uwv has had/m);
      const json = JSON.parse((await list({ all: true, format: 'json' })).out) as { alerts: Array<{ alertKey: string; status: string }> };
      expect(json.alerts.map((a) => [a.alertKey, a.status]).sort()).toEqual([['failed-run:ggz-altrecht', 'firing'], ['stale:uwv', 'resolved']]);
    });
  });

  describe('test', () => {
    it('sends a test alert with the secret and says it arrived (exit 0), without showing a token in the URL', async () => {
      const result = await werkbrug(['alerts', 'test', '-c', configFile], { WERKBRUG_ALERT_WEBHOOK_URL: `${receiver.url}?token=hush-123`, WERKBRUG_ALERT_SECRET: 'cli-secret' });
      expect(result.err).toBe('');
      expect(result.status).toBe(0);
      expect(result.out).toContain(`sending a test alert to ${receiver.url} with the secret in X-Werkbrug-Secret`);
      expect(result.out).toContain('test alert delivered: the webhook answered HTTP 204 (attempt 1)');
      expect(`${result.out}${result.err}`).not.toContain('hush-123');
      expect(receiver.received.at(-1)).toMatchObject({ werkbrug: 'alert/1', event: 'test', kind: 'test', region: 'AM13' });
      expect(receiver.requests.at(-1)?.headers['x-werkbrug-secret']).toBe('cli-secret');
    });

    it('exits 1 naming the status when the webhook refuses it', async () => {
      receiver.failNext(401, 1);
      const result = await werkbrug(['alerts', 'test', '-c', configFile], { WERKBRUG_ALERT_WEBHOOK_URL: receiver.url });
      expect(result.status).toBe(1);
      expect(result.out).toContain('without a secret (WERKBRUG_ALERT_SECRET is not set)');
      expect(result.err).toContain(`WB_OPERATIONS_ALERT_UNDELIVERED the test alert to ${receiver.url} did not arrive: answered HTTP 401 (1 attempt)`);
    });

    it('exits 2 naming the variable when the webhook URL is not set', async () => {
      const result = await werkbrug(['alerts', 'test', '-c', configFile], {});
      expect(result.status).toBe(2);
      expect(result.err).toContain('WB_CONFIG_SECRET_MISSING WERKBRUG_ALERT_WEBHOOK_URL: expected environment variable WERKBRUG_ALERT_WEBHOOK_URL');
    });
  });
});
