import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Socket } from 'node:net';
import { z } from 'zod';

/**
 * `npm run bench`: end-to-end records/s through the real pipeline (ggz sandbox over HTTP → edge →
 * Redis → store) at 10,000 and 100,000 records, beside a ceiling measured in the same run: the same
 * records pulled, parsed, pseudonymised and batch-inserted in one process without queues. Each
 * measurement runs in a fresh process so its peak RSS is its own. Figures are ratios to the
 * ceiling; absolute numbers on a shared 2-core machine are noisy.
 */
const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const resultSchema = z.object({ mode: z.string(), engine: z.string(), records: z.number(), seconds: z.number(), recordsPerSecond: z.number(), maxRssMb: z.number() });
type Result = z.infer<typeof resultSchema>;

async function postgresAnswers(): Promise<boolean> {
  const socket = new Socket();
  socket.setTimeout(500);
  try { socket.connect(5432, '127.0.0.1'); await once(socket, 'connect'); return true; } catch { return false; } finally { socket.destroy(); }
}

function tsx(args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
}

async function startSandbox(persons: number, token: string): Promise<{ baseUrl: string; stop: () => void }> {
  const child = tsx(['connectors/ggz-fhir/sandbox/main.ts'], { ...process.env, SANDBOX_PORT: '0', SANDBOX_TOKEN: token, SANDBOX_SCENARIO: 'volume', SANDBOX_PERSONS: String(persons), SANDBOX_SEED: '7' });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { baseUrl: `${url}/fhir`, stop: () => child.kill('SIGTERM') };
}

async function measure(mode: 'ceiling' | 'pipeline', baseUrl: string, token: string, engine: string): Promise<Result> {
  const child = tsx(['test/bench/bench-run.ts', mode, baseUrl, token, engine], process.env);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`bench-run ${mode} exited with ${code}`);
  return resultSchema.parse(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
}

const engine = process.env.BENCH_ENGINE ?? ((await postgresAnswers()) ? 'postgres' : 'pglite');
const token = randomBytes(12).toString('hex');
const rows: string[] = [];
process.stdout.write(`werkbrug bench: store ${engine}, sizes ${sizes.join(', ')} records (ggz FHIR sandbox, volume scenario)\n`);
for (const size of sizes) {
  // The volume scenario serves about three stream records (referral, trajectory, consent) per person.
  const sandbox = await startSandbox(Math.ceil(size / 3), token);
  try {
    const ceiling = await measure('ceiling', sandbox.baseUrl, token, engine);
    const pipeline = await measure('pipeline', sandbox.baseUrl, token, engine);
    rows.push(`| ${size.toLocaleString('en')} | ${ceiling.records} | ${ceiling.recordsPerSecond} | ${pipeline.recordsPerSecond} | **${(pipeline.recordsPerSecond / ceiling.recordsPerSecond).toFixed(2)}** | ${ceiling.maxRssMb} | ${pipeline.maxRssMb} |`);
    process.stdout.write(`  ${size}: ceiling ${ceiling.recordsPerSecond} rec/s (${ceiling.maxRssMb} MB), pipeline ${pipeline.recordsPerSecond} rec/s (${pipeline.maxRssMb} MB), ratio ${(pipeline.recordsPerSecond / ceiling.recordsPerSecond).toFixed(2)}\n`);
  } finally {
    sandbox.stop();
  }
}
process.stdout.write(`\n| size | records read | ceiling rec/s | pipeline rec/s | pipeline / ceiling | ceiling peak RSS MB | pipeline peak RSS MB |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
