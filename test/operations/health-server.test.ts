import { Redis } from 'ioredis';
import { Registry, Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessChecks, startHealthServer, type HealthServer } from '../../src/operations/health-server.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { openTestStore, type TestStore } from '../support/postgres.js';
import { testRedis } from '../support/redis.js';

/**
 * The health endpoint over real HTTP on loopback, with a real Redis and a real (PGlite) store
 * behind /readyz: 200 while all answer and the loops run, 503 naming what does not.
 */
describe('startHealthServer', () => {
  let redisEndpoint: RedisEndpoint;
  let redis: Redis;
  let t: TestStore;
  const servers: HealthServer[] = [];
  let workersRunning = true;
  let live = true;

  beforeAll(async () => {
    redisEndpoint = await testRedis();
    redis = new Redis(redisEndpoint.url, { maxRetriesPerRequest: 1 });
    t = await openTestStore({ name: 'pglite' });
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    redis?.disconnect();
    await t?.close();
    await redisEndpoint?.close();
  });

  async function start(overrides: Partial<Parameters<typeof startHealthServer>[0]> = {}): Promise<HealthServer> {
    const registry = new Registry();
    new Counter({ name: 'werkbrug_test_total', help: 'A counter of this test.', registers: [registry] }).inc(3);
    const server = await startHealthServer({
      port: 0, host: '127.0.0.1', registry, live: () => live,
      ready: readinessChecks({ redis, store: t.store, loops: { workers: () => workersRunning } }),
      ...overrides,
    });
    servers.push(server);
    return server;
  }

  const get = async (server: HealthServer, path: string, method = 'GET') => {
    const response = await fetch(`${server.url}${path}`, { method });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  it('answers /healthz 200 while the loop runs and 503 once it stopped', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const ok = await get(server, '/healthz');
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ ok: true });
    live = false;
    try {
      expect((await get(server, '/healthz')).status).toBe(503);
    } finally {
      live = true;
    }
  });

  it('answers /readyz 200 when Redis answers PING, the store a query and the workers run', async () => {
    const server = await start();
    const ready = await get(server, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({
      ok: true, failing: [],
      checks: { redis: { ok: true, detail: 'PING answered PONG' }, store: { ok: true, detail: 'answered a query' }, workers: { ok: true, detail: 'running' } },
    });
  });

  it('answers /readyz 503 naming the workers when they stopped', async () => {
    const server = await start();
    workersRunning = false;
    try {
      const ready = await get(server, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ ok: false, failing: ['workers'], checks: { workers: { ok: false, detail: 'not running' } } });
    } finally {
      workersRunning = true;
    }
  });

  it('answers /readyz 503 naming Redis when nothing answers on its port, and the store when it is closed', async () => {
    const unreachable = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
    const closedStore = await openTestStore({ name: 'pglite' });
    await closedStore.close();
    try {
      const server = await start({ ready: readinessChecks({ redis: unreachable, store: closedStore.store, loops: { scheduler: () => true } }) });
      const ready = await get(server, '/readyz');
      expect(ready.status).toBe(503);
      const body = ready.json() as { failing: string[]; checks: Record<string, { ok: boolean; detail: string }> };
      expect(body.failing.sort()).toEqual(['redis', 'store']);
      expect(body.checks.redis?.detail).toMatch(/^failed: /);
      expect(body.checks.scheduler).toEqual({ ok: true, detail: 'running' });
    } finally {
      unreachable.disconnect();
    }
  });

  it('serves the registry at /metrics in Prometheus text format', async () => {
    const server = await start();
    const metrics = await get(server, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toContain('# TYPE werkbrug_test_total counter\nwerkbrug_test_total 3\n');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const server = await start();
    expect((await get(server, '/')).status).toBe(404);
    expect((await get(server, '/healthz', 'POST')).status).toBe(405);
  });

  it('refuses to start on a port in use', async () => {
    const server = await start();
    await expect(start({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
