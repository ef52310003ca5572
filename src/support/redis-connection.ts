import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { WerkbrugError } from '../errors/werkbrug-error.js';

/**
 * Redis for werkbrug: `REDIS_URL` (default `redis://127.0.0.1:6379`). When it cannot be reached
 * and the caller allows it (the demo and the tests), a `redis-server` from PATH is started on a
 * free loopback port with persistence off in a temporary folder, and stopped by `close()`.
 */
export interface RedisEndpoint {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when werkbrug started this redis-server itself. */
  readonly owned: boolean;
  close(): Promise<void>;
}

export const defaultRedisUrl = 'redis://127.0.0.1:6379';

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) };
}

/** Sends PING over a plain socket: answers whether a Redis listens there, without retries. */
export async function redisAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const socket = new Socket();
  socket.setTimeout(timeoutMs);
  try {
    socket.connect(port, host);
    await once(socket, 'connect');
    socket.write('PING\r\n');
    const [data] = (await once(socket, 'data')) as [Buffer];
    return data.toString('utf8').startsWith('+PONG') || data.toString('utf8').startsWith('-NOAUTH');
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function startRedisServer(): Promise<RedisEndpoint> {
  if (!redisServerOnPath()) {
    throw new WerkbrugError('WB_REDIS_UNREACHABLE', {
      detail: 'Redis is not reachable at REDIS_URL and no redis-server is on PATH to start one. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'werkbrug-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => { if (/Ready to accept connections/i.test(output)) { cleanup(); resolve(); } };
    const onExit = (): void => { cleanup(); reject(new WerkbrugError('WB_REDIS_UNREACHABLE', { detail: `redis-server exited at start on port ${port}` })); };
    const cleanup = (): void => { child.stdout?.off('data', onData); child.off('exit', onExit); };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  const stop = (): void => { if (child.exitCode === null) child.kill('SIGTERM'); };
  process.once('exit', stop);
  return {
    url: `redis://127.0.0.1:${port}`, host: '127.0.0.1', port, owned: true,
    async close() {
      process.off('exit', stop);
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Returns a reachable Redis. With `startIfUnreachable`, starts one as described above; without it,
 * throws `WB_REDIS_UNREACHABLE` naming the URL.
 */
export async function connectRedis(options: { url?: string; startIfUnreachable: boolean }): Promise<RedisEndpoint> {
  const url = options.url ?? defaultRedisUrl;
  const { host, port } = hostPort(url);
  if (await redisAnswers(host, port)) return { url, host, port, owned: false, async close() {} };
  if (!options.startIfUnreachable) {
    throw new WerkbrugError('WB_REDIS_UNREACHABLE', { field: 'REDIS_URL', expected: 'a reachable Redis', got: `${host}:${port}` });
  }
  return startRedisServer();
}
