import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse, stringify } from 'yaml';

/**
 * A real `werkbrug` CLI process for tests that must send it a real signal (SIGTERM): started with
 * tsx from the source tree, its log lines (pino JSON on stdout) collected and awaitable.
 */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far (non-JSON lines are kept as `{ text }`). */
  readonly lines: Array<Record<string, unknown>>;
  /** Resolves with the first line (already seen or still to come) that matches. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let errText = '';
  child.stderr?.on('data', (chunk: Buffer) => { errText += chunk.toString('utf8'); });
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  reader.on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { text };
    }
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child, lines, exited,
    stderr: () => errText,
    waitForLine(match, timeoutMs = 60_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${errText.slice(-2000)}; last lines: ${JSON.stringify(lines.slice(-5))}`)), timeoutMs);
        const waiter = { match, resolve: (line: Record<string, unknown>) => { clearTimeout(timer); resolve(line); } };
        waiters.push(waiter);
        void exited.then(() => {
          if (waiters.includes(waiter)) {
            clearTimeout(timer);
            reject(new Error(`the process exited before a matching log line; stderr: ${errText.slice(-2000)}`));
          }
        });
      });
    },
  };
}

/**
 * A region config for a test: the repository's config with only the named partners, their
 * settings overridden, the store schema and the operations section set as given.
 */
export function writeTestConfig(dir: string, options: { partners: Record<string, Record<string, unknown>>; schema?: string; extra?: (config: Record<string, unknown>) => void }): string {
  const config = parse(readFileSync('config/midden-utrecht.yaml', 'utf8')) as Record<string, unknown> & { partners: Array<Record<string, unknown>>; store: Record<string, unknown> };
  config.partners = config.partners
    .filter((p) => typeof p.id === 'string' && p.id in options.partners)
    .map((p) => ({ ...p, settings: { ...(p.settings as Record<string, unknown>), ...options.partners[p.id as string] } }));
  config.store = { ...config.store, embeddedDir: join(dir, 'store'), ...(options.schema ? { schema: options.schema } : {}) };
  options.extra?.(config);
  const file = join(dir, 'region.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
