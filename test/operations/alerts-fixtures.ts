import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logging/logger.js';
import type { AlertDeps } from '../../src/operations/alerts/alert-delivery.js';
import { defaultSleep, type AlertSettings } from '../../src/operations/alerts/alert-webhook.js';
import type { Store } from '../../src/store/store.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LogSink } from '../support/log-sink.js';
import { openTestStore, type TestEngine, type TestStore } from '../support/postgres.js';
import { startAlertReceiver, type AlertReceiver } from './alerts-receiver.js';

/** What the alert tests share: a region config pointed at a loopback receiver, seeded runs, a log sink. */
export const regionConfig = loadConfig('config/midden-utrecht.yaml');

/**
 * The region config with these alert settings, a fast retry, and checkpoints and the embedded
 * store in a scratch folder (so no checkpoint or demo key of this checkout is read).
 */
export function alertConfig(base: Readonly<Config>, dir: string, alerts: Partial<AlertSettings>): Config {
  return {
    ...base,
    store: { ...base.store, embeddedDir: join(dir, 'store') },
    privacy: { ...base.privacy, checkpoints: { ...base.privacy.checkpoints, dir: join(dir, 'checkpoints') } },
    operations: {
      ...base.operations,
      alerts: { ...base.operations.alerts, urlEnv: undefined, url: undefined, retries: 3, baseDelayMs: 5, timeoutMs: 1000, ...alerts },
    },
  };
}

export function scratchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `werkbrug-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestDeps extends AlertDeps {
  readonly logs: LogSink;
  /** Every back-off the deliveries waited, in ms. */
  readonly waits: number[];
}

export function testDeps(config: Config, store: Store, extra: Partial<AlertDeps> = {}): TestDeps {
  const logs = new LogSink();
  const waits: number[] = [];
  return {
    config, store, env: {}, logs, waits,
    logger: createLogger({ level: 'debug', destination: logs }),
    sleep: (ms) => { waits.push(ms); return defaultSleep(ms); },
    ...extra,
  };
}

export interface SeededRun {
  readonly runId: string;
  readonly partnerId?: string;
  readonly status: 'succeeded' | 'failed';
  readonly finishedAt: string;
  readonly read?: number;
  readonly quarantined?: number;
  readonly errorCode?: string;
}

/** A finished run with its counts, as a sync leaves it. */
export async function seedRun(store: Store, run: SeededRun): Promise<void> {
  const partnerId = run.partnerId ?? 'ggz-altrecht';
  const startedAt = new Date(Date.parse(run.finishedAt) - 60_000).toISOString();
  await store.createRun({ runId: run.runId, partnerId, trigger: 'test', startedAt });
  const read = run.read ?? 0;
  const quarantined = run.quarantined ?? 0;
  await store.transaction((tx) => tx.addRunCounts(run.runId, 'EpisodeOfCare', { read, quarantined, stored: read - quarantined, pages: 1 }));
  await store.finishRun(run.runId, {
    status: run.status, finishedAt: run.finishedAt,
    ...(run.status === 'failed' ? { errorCode: run.errorCode ?? 'WB_PARTNER_UNREACHABLE', errorMessage: 'stream EpisodeOfCare failed: WB_PARTNER_UNREACHABLE' } : {}),
  });
}

export const hoursAfter = (iso: string, hours: number): Date => new Date(Date.parse(iso) + hours * 3_600_000);

/**
 * The fixture of an alert test file on one store engine: a fresh store per test, a loopback
 * receiver emptied per test, and a scratch folder; closed after the file. Read `rig.t`, `rig.receiver`
 * and `rig.scratch` inside tests (they are set in `beforeAll`).
 */
export interface AlertRig {
  readonly t: TestStore;
  readonly receiver: AlertReceiver;
  readonly scratch: ReturnType<typeof scratchDir>;
}

export function alertRig(engine: TestEngine, name: string): AlertRig {
  const scratch = scratchDir(name);
  const rig = { scratch } as { t: TestStore; receiver: AlertReceiver; scratch: ReturnType<typeof scratchDir> };
  beforeAll(async () => {
    rig.t = await openTestStore(engine);
    rig.receiver = await startAlertReceiver();
  });
  afterAll(async () => {
    await rig.receiver?.close();
    await rig.t?.close();
    scratch.cleanup();
  });
  beforeEach(async () => {
    await rig.t.reset();
    rig.receiver.received.length = 0;
    rig.receiver.requests.length = 0;
  });
  return rig;
}
