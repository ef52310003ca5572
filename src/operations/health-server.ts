import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * The health and metrics endpoint of `werkbrug worker` and `werkbrug scheduler`
 * (`operations.health.{host,port}`), on Node's http module:
 *
 *   GET /healthz  200 while the process runs its loop (`live()`), else 503 — restart it
 *   GET /readyz   200 when every readiness check passes, else 503 with JSON naming the failing ones
 *   GET /metrics  the registry in Prometheus text format
 *
 * Answers carry no personal data: check names, fixed phrases, counts.
 */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface Readiness {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

export interface HealthServerOptions {
  readonly port: number;
  readonly host: string;
  readonly ready: () => Promise<Readiness>;
  readonly registry: Registry;
  /** False once the process's loop stopped (a shutdown under way); true when left out. */
  readonly live?: () => boolean;
}

export interface HealthServer {
  /** `http://host:port` as reached from this machine. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A check that takes longer than this fails: a hanging Redis or store is not ready. */
export const checkTimeoutMs = 3000;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

async function handle(options: HealthServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://health').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    json(response, 405, { ok: false, error: 'only GET' });
    return;
  }
  if (path === '/healthz') {
    const live = options.live?.() ?? true;
    json(response, live ? 200 : 503, { ok: live });
    return;
  }
  if (path === '/readyz') {
    let readiness: Readiness;
    try {
      readiness = await options.ready();
    } catch (error) {
      readiness = { ok: false, checks: { readiness: { ok: false, detail: `the readiness check failed: ${error instanceof Error ? error.name : 'unknown error'}` } } };
    }
    const failing = Object.entries(readiness.checks).filter(([, check]) => !check.ok).map(([name]) => name);
    json(response, readiness.ok ? 200 : 503, { ok: readiness.ok, failing, checks: readiness.checks });
    return;
  }
  if (path === '/metrics') {
    try {
      const text = await options.registry.metrics();
      response.writeHead(200, { 'Content-Type': options.registry.contentType, 'Cache-Control': 'no-store' });
      response.end(text);
    } catch {
      json(response, 500, { ok: false, error: 'metrics could not be collected' });
    }
    return;
  }
  json(response, 404, { ok: false, error: 'not found: try /healthz, /readyz or /metrics' });
}

/** Starts listening; resolves once it does (port 0: a free port, named in the result). */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch(() => {
      if (!response.headersSent) json(response, 500, { ok: false, error: 'internal error' });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Runs `check` with {@link checkTimeoutMs}; a rejection or timeout is a failed check naming why. */
export async function timedCheck(check: () => Promise<string>, timeoutMs = checkTimeoutMs): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check().then((detail) => ({ ok: true, detail })), timeout]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, detail: `failed: ${typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : error instanceof Error ? error.name : 'unknown error'}` };
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadinessSources {
  /** Redis as the process uses it (e.g. `QueueSet.connection`): answers PING. */
  readonly redis?: { ping(): Promise<string> };
  /** The store: answers a trivial query. */
  readonly store?: { readonly operations: { ping(): Promise<void> } };
  /** The process's loops by name (`workers`, `scheduler`): true while running. */
  readonly loops?: Readonly<Record<string, () => boolean>>;
}

/** The `ready` function of {@link startHealthServer} for the usual sources: Redis, the store, the loops. */
export function readinessChecks(sources: ReadinessSources): () => Promise<Readiness> {
  return async () => {
    const checks: Record<string, CheckResult> = {};
    const pending: Promise<void>[] = [];
    const { redis, store } = sources;
    if (redis !== undefined) pending.push(timedCheck(async () => `PING answered ${await redis.ping()}`).then((r) => { checks.redis = r; }));
    if (store !== undefined) pending.push(timedCheck(async () => { await store.operations.ping(); return 'answered a query'; }).then((r) => { checks.store = r; }));
    await Promise.all(pending);
    for (const [name, running] of Object.entries(sources.loops ?? {})) {
      checks[name] = running() ? { ok: true, detail: 'running' } : { ok: false, detail: 'not running' };
    }
    return { ok: Object.values(checks).every((check) => check.ok), checks };
  };
}
