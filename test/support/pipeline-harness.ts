import { randomBytes } from 'node:crypto';
import { openQueues, type QueueSet } from '../../jobs/queues.js';
import { startGgzSandbox, type GgzSandbox } from '../../connectors/ggz-fhir/sandbox/server.js';
import { bootstrap, type Bootstrapped } from '../../src/cli/bootstrap.js';
import type { Config, PartnerConfig } from '../../src/config/schema.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import type { Runtime } from '../../src/pipeline/runtime.js';
import { Pseudonymiser, type PseudonymKey } from '../../src/stages/pseudonymise.js';
import { startWorkers, type WorkerSet } from '../../src/pipeline/workers.js';
import type { FaultRuleInput, JournalEntry } from '../../src/sandbox/index.js';
import type { RunCounts, Store, SyncRun } from '../../src/store/store.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { demoEnv } from './demo-config.js';
import { LogSink } from './log-sink.js';
import { testPrefix, testRedis } from './redis.js';

/**
 * The whole pipeline of one partner for end-to-end tests: the ggz FHIR sandbox over real HTTP, real
 * Redis queues under a prefix of their own, workers in this process and an in-memory PGlite store.
 * Everything that decides what is stored is deterministic — the sandbox clock is pinned, werkbrug's
 * clock runs from the same instant and the pseudonymisation key is fixed — so two harnesses that
 * sync the same caseload end with the same store, which is what a resilience test compares.
 */
export const partnerId = 'ggz-altrecht';

/** The sandbox's frozen "now"; werkbrug's clock starts here too, so consent periods read alike. */
export const pinnedNow = '2025-06-02T09:00:00+02:00';

// A fixed test key: pseudonyms (and so record content hashes) are equal across harnesses.
const testKey = { WERKBRUG_PSEUDONYM_KEY: 'a1'.repeat(32), WERKBRUG_PSEUDONYM_KEY_ID: 'resilience-test' };
/** The key every harness starts with, for tests that rotate away from it ({@link PipelineHarness.useKeys}). */
export const harnessKey: PseudonymKey = { keyId: testKey.WERKBRUG_PSEUDONYM_KEY_ID, key: Buffer.from(testKey.WERKBRUG_PSEUDONYM_KEY, 'hex') };

export interface HarnessOptions {
  /** Part of the Redis key prefix, for finding leftovers. */
  readonly name: string;
  readonly scenario?: 'default' | 'edge-cases';
  /** Persons in the caseload (default 120: a few hundred records). */
  readonly persons?: number;
  /** `_count` per page (default 25, so every stream has several pages). */
  readonly pageSize?: number;
  /** Partner HTTP limits over the harness defaults (short timeout, quick back-off). */
  readonly http?: Partial<PartnerConfig['http']>;
  readonly attempts?: number;
  readonly backoffMs?: number;
  /** The bearer token werkbrug sends; default the sandbox's own (a wrong one tests 401). */
  readonly partnerToken?: string;
  /** Puts a fault injector around the store (see `failing-store.ts`). */
  readonly wrapStore?: (store: Store) => Store;
  /** Log level of the runtime's logger; lines land in `harness.logs`. Default `warn`. */
  readonly logLevel?: string;
}

/** What a test compares between two stores: one line per stored record, sorted. */
export type StoreSnapshot = readonly string[];

interface RecordRow {
  readonly partner_id: string;
  readonly record_key: string;
  readonly record_kind: string;
  readonly version: string;
  readonly modified_at: string | null;
  readonly content_hash: string;
}

/** One line of a {@link StoreSnapshot}, read back. */
export interface SnapshotLine {
  readonly recordKey: string;
  readonly kind: string;
  readonly version: string;
  /** The source's `meta.lastUpdated` in epoch ms (what the ggz cursor orders by), or NaN. */
  readonly modifiedMs: number;
}

export function parseSnapshotLine(line: string): SnapshotLine {
  const [, recordKey = '', kind = '', version = '', modified = ''] = line.split('|');
  return { recordKey, kind, version, modifiedMs: Date.parse(modified) };
}

export class PipelineHarness {
  #queues: QueueSet;
  #workers: WorkerSet;

  private constructor(
    readonly sandbox: GgzSandbox,
    readonly redis: RedisEndpoint,
    public runtime: Runtime,
    private readonly boot: Bootstrapped,
    /** Every log line of the runtime, for failure messages and log assertions. */
    readonly logs: LogSink,
    queues: QueueSet,
    workers: WorkerSet,
  ) {
    this.#queues = queues;
    this.#workers = workers;
  }

  static async start(options: HarnessOptions): Promise<PipelineHarness> {
    const token = randomBytes(12).toString('hex');
    const sandbox = await startGgzSandbox({ token, scenario: options.scenario ?? 'edge-cases', persons: options.persons ?? 120, now: pinnedNow });
    const opened: Array<() => Promise<void>> = [() => sandbox.close()];
    try {
      const redis = await testRedis();
      opened.push(() => redis.close());
      const logs = new LogSink();
      const env = demoEnv({ ...testKey, REDIS_URL: redis.url, WERKBRUG_GGZ_ALTRECHT_TOKEN: options.partnerToken ?? token });
      const boot = await bootstrap({
        configFile: 'config/midden-utrecht.yaml', env, inMemoryStore: true, logDestination: logs, logLevel: options.logLevel ?? 'warn',
        mutateConfig: (config) => withTestSettings(config, sandbox, options),
      });
      opened.push(() => boot.close());
      // werkbrug's clock starts at the sandbox's pinned instant and runs on in real time.
      const offsetMs = Date.parse(pinnedNow) - Date.now();
      const runtime: Runtime = {
        ...boot.runtime,
        store: options.wrapStore ? options.wrapStore(boot.runtime.store) : boot.runtime.store,
        now: () => new Date(Date.now() + offsetMs),
      };
      const { queues, workers } = await openPipeline(runtime, redis.url, testPrefix(options.name));
      return new PipelineHarness(sandbox, redis, runtime, boot, logs, queues, workers);
    } catch (error) {
      for (const close of opened.reverse()) await close().catch(() => undefined);
      throw error;
    }
  }

  get queues(): QueueSet {
    return this.#queues;
  }

  get store(): Store {
    return this.runtime.store;
  }

  /** One sync run of the partner through the queues; resolves when the run has finished. */
  async sync(): Promise<SyncRun> {
    const [run] = await runSync(this.runtime, this.#queues, [partnerId], 'test');
    if (!run) throw new Error('runSync returned no run');
    return run;
  }

  /** Calls the sandbox's control API (`partners/README.md` §3) and returns its JSON answer. */
  async control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.sandbox.url}/__control/${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.sandbox.controlToken}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const answer: unknown = await response.json();
    if (!response.ok) throw new Error(`control ${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Arms a fault rule in the sandbox; returns its id (`f1`, …), which the journal names. */
  async armFault(rule: FaultRuleInput): Promise<string> {
    const answer = (await this.control('POST', 'faults', rule)) as { id: string };
    return answer.id;
  }

  async clearFaults(): Promise<void> {
    await this.control('DELETE', 'faults');
  }

  /**
   * The partner saves a resource again: it is read over FHIR and put back through the control
   * API, which gives it the next version with `lastUpdated` = the sandbox's now (after every cursor).
   */
  async saveNewVersion(resourceType: string, id: string): Promise<string> {
    const read = await fetch(`${this.sandbox.baseUrl}/${resourceType}/${id}`, { headers: { Authorization: `Bearer ${this.sandbox.token}`, Accept: 'application/fhir+json' } });
    if (!read.ok) throw new Error(`GET ${resourceType}/${id} answered ${read.status}`);
    const resource = (await read.json()) as Record<string, unknown>;
    const response = await fetch(`${this.sandbox.url}/__control/records/${resourceType}/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${this.sandbox.controlToken}`, 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ ...resource, meta: undefined }),
    });
    const saved = (await response.json()) as { meta?: { versionId?: string } };
    if (!response.ok || saved.meta?.versionId === undefined) throw new Error(`PUT ${resourceType}/${id} answered ${response.status}`);
    return saved.meta.versionId;
  }

  /** Partner requests the sandbox saw (control calls are not journaled), oldest first. */
  journal(): JournalEntry[] {
    return this.sandbox.journal();
  }

  /**
   * `partner|record_key|kind|version|modified_at|content_hash` per stored record, sorted. The
   * content hash covers the record and its purposes, not the lineage (run, batch, time).
   */
  async storeSnapshot(): Promise<StoreSnapshot> {
    const rows = (await this.store.dumpTable('records')).map((line) => JSON.parse(line) as RecordRow);
    const instant = (value: string | null): string => (value === null ? '' : new Date(value).toISOString());
    return rows.map((r) => [r.partner_id, r.record_key, r.record_kind, r.version, instant(r.modified_at), r.content_hash].join('|')).sort();
  }

  /** `partner|source_ref|reason|field` per quarantined record, sorted. */
  async quarantineKeys(): Promise<readonly string[]> {
    const rows = (await this.store.dumpTable('quarantine')).map((line) => JSON.parse(line) as { partner_id: string; source_ref: string; reason: string; field: string });
    return rows.map((r) => [r.partner_id, r.source_ref, r.reason, r.field].join('|')).sort();
  }

  /** `partner|record_key` per record waiting for consent, sorted. */
  async pendingKeys(): Promise<readonly string[]> {
    const rows = (await this.store.dumpTable('pending')).map((line) => JSON.parse(line) as { partner_id: string; record_key: string });
    return rows.map((r) => `${r.partner_id}|${r.record_key}`).sort();
  }

  /**
   * Redis loses everything (a restart without persistence, a FLUSHALL): the workers and queues
   * stop, every key of the prefix goes, and new queues and workers start on the empty prefix.
   */
  async flushRedis(): Promise<void> {
    await this.#workers.close();
    await this.#queues.obliterate();
    await this.#queues.close();
    const reopened = await openPipeline(this.runtime, this.redis.url, this.#queues.settings.prefix);
    this.#queues = reopened.queues;
    this.#workers = reopened.workers;
  }

  /**
   * Key rotation (`docs/privacy/key-rotation.md`): the workers restart with `key` as the current
   * key and `previous` as the previous one (a rotation window; leave it out to close the window).
   * Queues, store and sandbox stay, as when operations restarts the workers with a new environment.
   */
  async useKeys(key: PseudonymKey, previous?: PseudonymKey): Promise<void> {
    await this.#workers.close();
    this.runtime = { ...this.runtime, pseudonymiser: new Pseudonymiser(key, previous) };
    this.#workers = await startWorkers(this.runtime, this.#queues);
  }

  async close(): Promise<void> {
    const steps: Array<() => Promise<void>> = [
      () => this.#workers.close(),
      () => this.#queues.obliterate(),
      () => this.#queues.close(),
      () => this.boot.close(),
      () => this.sandbox.close(),
      () => this.redis.close(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }
}

function withTestSettings(config: Config, sandbox: GgzSandbox, options: HarnessOptions): Config {
  return {
    ...config,
    pipeline: { ...config.pipeline, attempts: options.attempts ?? 3, backoffMs: options.backoffMs ?? 50 },
    partners: config.partners.map((partner) => partner.id !== partnerId ? partner : {
      ...partner,
      settings: { ...partner.settings, baseUrl: sandbox.baseUrl, pageSize: options.pageSize ?? 25 },
      http: { ...partner.http, timeoutMs: 2000, retries: 3, baseDelayMs: 20, maxRetryAfterSeconds: 1, ...options.http },
    }),
  };
}

async function openPipeline(runtime: Runtime, redisUrl: string, prefix: string): Promise<{ queues: QueueSet; workers: WorkerSet }> {
  const queues = await openQueues({ redisUrl, prefix, attempts: runtime.config.pipeline.attempts, backoffMs: runtime.config.pipeline.backoffMs });
  try {
    return { queues, workers: await startWorkers(runtime, queues) };
  } catch (error) {
    await queues.close().catch(() => undefined);
    throw error;
  }
}

/** What a clean sync of a fresh harness leaves behind: the yardstick of a resilience test. */
export interface Baseline {
  readonly run: SyncRun;
  readonly totals: RunCounts;
  readonly snapshot: StoreSnapshot;
  readonly pending: readonly string[];
  readonly quarantine: readonly string[];
  readonly consentLogEntries: number;
  readonly journal: readonly JournalEntry[];
}

export async function cleanBaseline(options: HarnessOptions): Promise<Baseline> {
  const harness = await PipelineHarness.start(options);
  try {
    const run = await harness.sync();
    const verification = await harness.store.verifyConsentLog();
    if (run.status !== 'succeeded' || !verification.ok) throw new Error(`the clean baseline sync did not succeed: ${run.errorMessage ?? JSON.stringify(verification)}`);
    return {
      run,
      totals: runBalance(run.streams).totals,
      snapshot: await harness.storeSnapshot(),
      pending: await harness.pendingKeys(),
      quarantine: await harness.quarantineKeys(),
      consentLogEntries: verification.entries,
      journal: harness.journal(),
    };
  } finally {
    await harness.close();
  }
}
