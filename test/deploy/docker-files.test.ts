import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The deployment files (issue 6) say what the code does: the compose services run commands the
 * CLI has, the image runs as a non-root user with a health check, every secret the config names
 * is in `.env.example`, and the runtime code imports production dependencies only (the image has
 * no others). No Docker daemon is needed to check this.
 */
const compose = z.object({
  services: z.record(z.string(), z.object({
    command: z.array(z.string()).optional(),
    image: z.string().optional(),
    stop_grace_period: z.string().optional(),
    healthcheck: z.record(z.string(), z.unknown()).optional(),
    profiles: z.array(z.string()).optional(),
  }).passthrough()),
}).parse(parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }));
const dockerfile = readFileSync('Dockerfile', 'utf8');
const main = readFileSync('src/cli/main.ts', 'utf8') + readdirSync('src/cli').map((f) => readFileSync(join('src/cli', f), 'utf8')).join('\n');

describe('docker-compose.yml', () => {
  it('runs Redis (noeviction), PostgreSQL, workers and the scheduler, each with a health check', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['redis', 'postgres', 'worker', 'scheduler']));
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    for (const name of ['redis', 'postgres', 'worker', 'scheduler']) expect(compose.services[name]?.healthcheck, name).toBeDefined();
  });

  it('starts werkbrug commands that exist, with a config file that exists', () => {
    for (const name of ['worker', 'scheduler']) {
      const [command, flag, file] = compose.services[name]?.command ?? [];
      expect(main).toContain(`command('${command ?? '?'}')`);
      expect(flag).toBe('-c');
      expect(statSync(file ?? '').isFile()).toBe(true);
    }
  });

  it('gives workers time to hand their jobs back on SIGTERM', () => {
    expect(compose.services.worker?.stop_grace_period).toMatch(/^[1-9]\d*m$/);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, installs production dependencies only, runs as a non-root user and has a health check', () => {
    expect(dockerfile.match(/^FROM /gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER werkbrug$/m);
    expect(runtime.indexOf('USER werkbrug')).toBeLessThan(runtime.indexOf('ENTRYPOINT'));
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });
});

describe('.env.example', () => {
  it('names every secret the region config reads from the environment', () => {
    const example = readFileSync('.env.example', 'utf8');
    const config = readFileSync('config/midden-utrecht.yaml', 'utf8');
    const named = [...config.matchAll(/(?:Env|tokenEnv):\s*([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(5);
    for (const variable of named) expect(example, variable).toMatch(new RegExp(`^${variable}=`, 'm'));
  });
});

describe('runtime code', () => {
  it('imports only production dependencies (the image has no others)', () => {
    const pkg = z.object({ dependencies: z.record(z.string(), z.string()) }).parse(JSON.parse(readFileSync('package.json', 'utf8')));
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          // The contract kit and the scaffold are development tools, loaded on demand.
          if (path !== join('src', 'connector-kit') && entry.name !== 'fixtures') walk(path);
        } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(path);
      }
    };
    for (const root of ['src', 'jobs', 'connectors']) walk(root);
    const offending: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/^\s*import\s+(?!type\b)[^'"]*['"]([^'"./][^'"]*)['"]/gm)) {
        const spec = match[1] ?? '';
        const name = spec.startsWith('node:') ? spec.slice(5) : spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? '');
        if (!allowed.has(name) && !allowed.has(spec)) offending.push(`${file}: ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
