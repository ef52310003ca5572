import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { evictionPolicy, openQueues } from '../../jobs/queues.js';
import { bootstrap, stateDir } from '../cli/bootstrap.js';
import type { Config } from '../config/schema.js';
import { latestCheckpoint, readCheckpointFolder } from '../consent/checkpoint-folder.js';
import { checkpointAfterSync, runSync } from '../pipeline/run-sync.js';
import { startWorkers } from '../pipeline/workers.js';
import type { ChainVerification, QuarantineItem, Store, SyncRun } from '../store/store.js';
import { connectRedis } from '../support/redis-connection.js';
import { sandboxFor, type DemoCanaries, type DemoSandbox } from './sandboxes.js';

/**
 * `werkbrug demo`: the main job end to end on the embedded defaults. Starts every configured
 * partner's sandbox on a free loopback port (deterministic caseload with the spec's edge cases),
 * syncs through the real queues into the store, verifies the consent log and reports. Run twice,
 * the second run stores nothing new: the sandbox clock is pinned in `.werkbrug/demo-sandbox.json`
 * on the first run, so the partner serves the same versions again.
 */
export interface DemoOptions {
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly scenario?: 'default' | 'edge-cases' | 'volume';
  readonly persons?: number;
  readonly seed?: number;
  readonly canaries?: DemoCanaries;
  readonly logDestination?: DestinationStream;
  readonly logLevel?: string;
  readonly mutateConfig?: (config: Config) => Config;
  /** Override the key prefix (tests keep Redis keys to inspect them before cleanup). */
  readonly redisPrefix?: string;
  readonly keepRedisKeys?: boolean;
  readonly onBeforeCleanup?: (context: { redisUrl: string; prefix: string; store: Store; sandboxes: ReadonlyMap<string, DemoSandbox> }) => Promise<void>;
  readonly say?: (line: string) => void;
}

export interface DemoReport {
  readonly ok: boolean;
  readonly runs: readonly SyncRun[];
  readonly quarantine: readonly QuarantineItem[];
  readonly verification: ChainVerification;
  readonly elapsedMs: number;
  readonly notes: readonly string[];
  /** Persons by the number of partners with records about them: the link one pseudonym makes. */
  readonly linkage: ReadonlyMap<number, number>;
  /** The newest signed checkpoint of the consent log after the sync, if one was written. */
  readonly checkpoint?: { readonly file: string; readonly treeSize: number; readonly keyId: string };
}

const demoStateSchema = z.strictObject({ sandboxClock: z.string(), seed: z.number().int() });

function pinnedState(dir: string, seed: number): z.infer<typeof demoStateSchema> {
  const file = join(dir, 'demo-sandbox.json');
  if (existsSync(file)) {
    let raw: unknown;
    try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch { raw = undefined; /* unreadable: pin afresh */ }
    const parsed = demoStateSchema.safeParse(raw);
    if (parsed.success && parsed.data.seed === seed) return parsed.data;
  }
  const state = { sandboxClock: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(), seed };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(state)}\n`);
  return state;
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const say = options.say ?? (() => undefined);
  const started = Date.now();
  const notes: string[] = [];
  const seed = options.seed ?? 42;
  const env: NodeJS.ProcessEnv = { ...options.env };
  const sandboxes = new Map<string, DemoSandbox>();
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const boot = await bootstrap({
      configFile: options.configFile, env, allowDemoKey: true, logDestination: options.logDestination, logLevel: options.logLevel,
      mutateConfig: (config) => {
        const mutated = options.mutateConfig ? options.mutateConfig(config) : config;
        // Sandboxes are started below; their URLs replace the configured ones before anything connects.
        return mutated;
      },
    });
    cleanups.push(() => boot.close());
    const { runtime } = boot;
    if (boot.keyNote) { notes.push(boot.keyNote); say(`werkbrug demo: ${boot.keyNote}`); }

    const state = pinnedState(stateDir(runtime.config), seed);
    for (const partner of runtime.config.partners.filter((p) => !p.paused)) {
      const start = sandboxFor(partner.connector);
      if (!start) throw new Error(`werkbrug demo: connector ${partner.connector} has no sandbox`);
      const sandbox = await start({ partnerId: partner.id, scenario: options.scenario ?? 'edge-cases', seed, persons: options.persons ?? 500, now: state.sandboxClock, canaries: options.canaries });
      sandboxes.set(partner.id, sandbox);
      cleanups.push(() => sandbox.close());
      Object.assign(partner.settings, sandbox.settings);
      const tokenEnv = partner.settings.tokenEnv;
      if (typeof tokenEnv === 'string') env[tokenEnv] = sandbox.token;
      say(`werkbrug demo: ${partner.id} sandbox (${partner.connector}) at ${sandbox.url}`);
    }
    Object.assign(runtime.env, env);

    const redis = await connectRedis({ url: env.REDIS_URL, startIfUnreachable: true });
    cleanups.push(() => redis.close());
    if (redis.owned) say(`werkbrug demo: Redis not reachable at ${env.REDIS_URL ?? 'redis://127.0.0.1:6379'}; started redis-server on ${redis.url} (no persistence)`);
    const prefix = options.redisPrefix ?? `wb-demo-${process.pid}-${randomBytes(3).toString('hex')}`;
    const queues = await openQueues({ redisUrl: redis.url, prefix, attempts: runtime.config.pipeline.attempts, backoffMs: runtime.config.pipeline.backoffMs });
    cleanups.push(async () => {
      if (options.onBeforeCleanup) await options.onBeforeCleanup({ redisUrl: redis.url, prefix, store: runtime.store, sandboxes });
      if (!options.keepRedisKeys) await queues.obliterate();
      await queues.close();
    });
    const policy = await evictionPolicy(queues.connection);
    if (policy && policy !== 'noeviction') runtime.logger.warn({ policy }, 'redis eviction policy is not noeviction; queued jobs may be lost');
    const workers = await startWorkers(runtime, queues);
    cleanups.push(() => workers.close());

    const partnerIds = runtime.config.partners.filter((p) => !p.paused).map((p) => p.id);
    const runs = await runSync(runtime, queues, partnerIds, 'demo');
    // A signed checkpoint of the consent log, with the demo's own key (said here, not logged).
    const signed = await checkpointAfterSync(runtime, true, runtime.logger.child({}, { level: 'error' }));
    if (signed?.written && signed.keyNote) { notes.push(signed.keyNote); say(`werkbrug demo: ${signed.keyNote}`); }
    const verification = await runtime.store.verifyConsentLog();
    const quarantine = (await Promise.all(runs.map((run) => runtime.store.listQuarantine({ runId: run.runId, limit: 100_000 })))).flat();
    const ok = runs.length === partnerIds.length && runs.every((run) => run.status === 'succeeded') && verification.ok;
    const linkage = await runtime.store.personsByPartnerCount();
    const latest = latestCheckpoint(await readCheckpointFolder(runtime.config.privacy.checkpoints.dir));
    const checkpoint = latest ? { file: latest.file, treeSize: latest.checkpoint.treeSize, keyId: latest.checkpoint.keyId } : undefined;
    return { ok, runs, quarantine, verification, elapsedMs: Date.now() - started, notes, linkage, ...(checkpoint ? { checkpoint } : {}) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
