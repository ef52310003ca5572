import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis, type RedisEndpoint } from '../../src/support/redis-connection.js';

/**
 * Redis for a test file: the machine's Redis at REDIS_URL (default 127.0.0.1:6379) when it answers,
 * else a redis-server started on a free port (and stopped after). Each test file uses its own key
 * prefix and removes its keys after.
 */
export async function testRedis(): Promise<RedisEndpoint> {
  return connectRedis({ url: process.env.REDIS_URL, startIfUnreachable: true });
}

export function testPrefix(name: string): string {
  return `wb-test-${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Every key under a prefix with its content as text (strings, hashes, lists, sets, zsets, streams). */
export async function dumpRedisPrefix(url: string, prefix: string): Promise<Map<string, string>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  const out = new Map<string, string>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        out.set(key, JSON.stringify(value));
      }
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}

export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
