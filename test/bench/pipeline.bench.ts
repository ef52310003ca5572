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
 * ceiling; absolute numbers on a shared 2-core machine are noisy. Then one region sync over ggz,
 * a gemeente and UWV gives each partner's records/s beside the FHIR partner's.
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

async function startSandbox(persons: number, token: string, main = 'connectors/ggz-fhir/sandbox/main.ts', extra: NodeJS.ProcessEnv = {}): Promise<{ url: string; baseUrl: string; stop: () => void }> {
  const child = tsx([main], { ...process.env, SANDBOX_PORT: '0', SANDBOX_TOKEN: token, SANDBOX_SCENARIO: 'volume', SANDBOX_PERSONS: String(persons), SANDBOX_SEED: '7', ...extra });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { url, baseUrl: `${url}/fhir`, stop: () => child.kill('SIGTERM') };
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

// The partner table: one region sync (ggz, one gemeente, UWV) over the same generated persons, each
// sandbox in its own process. The XML partners' records/s are reported beside the FHIR partner's.
const regionPersons = Number(process.env.BENCH_REGION_PERSONS ?? '3000');
const partnerSchema = z.object({ partner: z.string(), status: z.string(), records: z.number(), seconds: z.number(), recordsPerSecond: z.number(), persons: z.number() });
const sandboxes = await Promise.all([
  startSandbox(regionPersons, token),
  startSandbox(regionPersons, token, 'connectors/gemeente-stuf/sandbox/main.ts', { SANDBOX_PARTNER: 'gem-utrecht' }),
  startSandbox(regionPersons, token, 'connectors/uwv-suwinet/sandbox/main.ts'),
]);
try {
  const [ggz, gemeente, uwv] = sandboxes;
  const child = tsx(['test/bench/region-run.ts', engine, JSON.stringify({ ggz: ggz?.url, gemeente: gemeente?.url, uwv: uwv?.url, token })], process.env);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`region-run exited with ${code}`);
  const lines = out.trim().split('\n').map((line) => JSON.parse(line) as unknown);
  const partners = lines.flatMap((line) => { const parsed = partnerSchema.safeParse(line); return parsed.success ? [parsed.data] : []; });
  const rss = z.object({ maxRssMb: z.number() }).parse(lines[lines.length - 1]);
  const fhir = partners.find((p) => p.partner === 'ggz-altrecht');
  const format: Record<string, string> = { 'ggz-altrecht': 'FHIR R4 JSON', 'gem-utrecht': 'StUF 03.01 XML', 'uwv': 'SuwiML XML, per person' };
  process.stdout.write(`\nregion sync, ${regionPersons.toLocaleString('en')} generated persons per sandbox (peak RSS ${rss.maxRssMb} MB)\n\n| partner | wire format | status | records read | seconds | records/s | / FHIR partner |\n|---|---|---|---|---|---|---|\n`);
  for (const p of partners) {
    const ratio = fhir ? (p.recordsPerSecond / Math.max(fhir.recordsPerSecond, 1)).toFixed(2) : '–';
    process.stdout.write(`| ${p.partner} | ${format[p.partner] ?? ''}${p.persons > 0 ? ` (${p.persons} persons asked)` : ''} | ${p.status} | ${p.records} | ${p.seconds.toFixed(1)} | ${p.recordsPerSecond} | **${ratio}** |\n`);
  }
} finally {
  for (const sandbox of sandboxes) sandbox.stop();
}

// Operations: a replay and back-fills measured against one full sync of the same data, same run.
if (engine === 'postgres') {
  const opsPersons = Number(process.env.BENCH_OPS_PERSONS ?? '3000');
  const opsSchema = z.object({ what: z.string(), seconds: z.number(), records: z.number(), rows: z.number(), stored: z.number(), failed: z.number().optional() });
  const sandbox = await startSandbox(opsPersons, token);
  try {
    const child = tsx(['test/bench/operations-run.ts', sandbox.url, token], process.env);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    const [code] = (await once(child, 'exit')) as [number];
    if (code !== 0) throw new Error(`operations-run exited with ${code}`);
    const results = out.trim().split('\n').map((line) => opsSchema.parse(JSON.parse(line)));
    const base = results[0];
    process.stdout.write(`\noperations, ggz partner, ${opsPersons.toLocaleString('en')} generated persons (PostgreSQL)\n\n| what | records read | seconds | time / full sync | records stored by it | rows in its store after |\n|---|---|---|---|---|---|\n`);
    for (const r of results) {
      process.stdout.write(`| ${r.what} | ${r.records} | ${r.seconds.toFixed(1)} | **${base ? (r.seconds / base.seconds).toFixed(2) : '–'}** | ${r.stored}${r.failed ? ` (${r.failed} windows failed)` : ''} | ${r.rows} |\n`);
    }
  } finally {
    sandbox.stop();
  }
} else {
  process.stdout.write('\noperations bench left out: it needs PostgreSQL (scoped runs in parallel share one store)\n');
}
