import { z } from 'zod';
import {
  createControlApi, FaultBook, parseControlBody, RequestJournal, startSandboxServer, VirtualClock,
  type ControlReply, type ControlTarget, type PreparedResponse, type SandboxPerson,
} from '@werkbrug/sandbox/index.js';
import { EDGE_CASES, loadPlacements, type Dataset, type EdgeCase } from './data.js';
import { basePath, createHandler, supportedFaults, wireFormat } from './wire.js';

/**
 * The __name__ sandbox: a real HTTP server (node:http, through `src/sandbox/`) that plays the
 * partner for the demo and the tests, with the shared control API and fault injection of
 * `partners/README.md` §3. Throws before listening when an option is invalid.
 */
const canariesSchema = z.strictObject({
  names: z.array(z.string().min(1)).readonly().optional(),
  bsns: z.array(z.string().min(1)).readonly().optional(),
  addresses: z.array(z.string().min(1)).readonly().optional(),
  birthDates: z.array(z.string().min(1)).readonly().optional(),
  notes: z.array(z.string().min(1)).readonly().optional(),
});

const optionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  token: z.string().min(1).default('sandbox'),
  controlToken: z.string().min(1).default('control'),
  scenario: z.enum(['default', 'edge-cases']).default('default'),
  persons: z.number().int().min(0).max(100_000).default(50),
  seed: z.number().int().min(0).max(4_294_967_295).default(42),
  /** Start instant of the virtual clock (ISO 8601 with offset); absent = real time. */
  now: z.iso.datetime({ offset: true }).optional(),
  canaries: canariesSchema.optional(),
  /** Serve nothing at all. */
  empty: z.boolean().default(false),
});
export type __Name__SandboxOptions = z.input<typeof optionsSchema>;

const resetSchema = z.strictObject({ scenario: z.enum(['default', 'edge-cases']).optional(), persons: z.number().int().min(0).max(100_000).optional(), seed: z.number().int().min(0).optional() });
const recordSchema = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/), z.union([z.string().max(1_000), z.number()]));

export interface __Name__GroundTruth {
  readonly placements: ReadonlyArray<{ readonly id: string; readonly version: number; readonly updatedAt: string }>;
  readonly edgeCases: readonly EdgeCase[];
}

export interface __Name__Sandbox {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** The partner API's base URL (`url` + `/__basePath__`). */
  readonly baseUrl: string;
  readonly token: string;
  readonly controlToken: string;
  readonly clock: VirtualClock;
  groundTruth(): __Name__GroundTruth;
  /** Everyone whose clear data is served (for privacy tests). */
  servedPersons(): readonly SandboxPerson[];
  close(): Promise<void>;
}

export async function start__Name__Sandbox(options: __Name__SandboxOptions = {}): Promise<__Name__Sandbox> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`__name__ sandbox: invalid options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const settings = parsed.data;
  const clock = new VirtualClock(settings.now);
  const load = (scenario = settings.scenario, persons = settings.persons, seed = settings.seed): Dataset =>
    loadPlacements({ scenario, persons, seed, clockMs: clock.nowMs(), empty: settings.empty, ...(settings.canaries ? { canaries: settings.canaries } : {}) });
  let data = load();
  let origin = '';
  const faults = new FaultBook<PreparedResponse>(supportedFaults);
  const journal = new RequestJournal();
  const target: ControlTarget<z.infer<typeof resetSchema>> = {
    resetSchema,
    health: () => ({ partner: '__name__', scenario: settings.scenario, clock: clock.state().now, records: { placement: data.store.list().length } }),
    reset: (input) => {
      data = load(input.scenario, input.persons, input.seed);
    },
    putRecord: (kind, id, body): ControlReply => {
      if (kind !== 'placement' || !/^[A-Za-z0-9.-]{1,64}$/.test(id)) return { status: 400, body: { error: 'expected /__control/records/placement/{id}' } };
      const fields = parseControlBody(body, recordSchema);
      if (!fields.ok) return fields.reply;
      const existed = data.store.get(id) !== undefined;
      const version = data.store.put(id, fields.value, clock.nowMs());
      return { status: existed ? 200 : 201, body: { id, version: version.version, updatedAt: new Date(version.updatedAtMs).toISOString() } };
    },
    deleteRecord: (): ControlReply => ({ status: 405, body: { error: 'this partner has no deletions' } }),
    routes: { 'GET edge-cases': () => ({ status: 200, body: { edgeCases: EDGE_CASES } }) },
  };
  const control = createControlApi({ token: settings.controlToken, clock, faults, journal, target });
  const handler = createHandler({ store: () => data.store, origin: () => origin });
  const server = await startSandboxServer({ host: settings.host, port: settings.port, token: settings.token, format: wireFormat, handler, control, faults, journal });
  origin = server.url;
  return {
    url: server.url,
    baseUrl: `${server.url}${basePath}`,
    token: settings.token,
    controlToken: settings.controlToken,
    clock,
    groundTruth: () => ({
      placements: data.store.list().map((version) => ({ id: version.id, version: version.version, updatedAt: new Date(version.updatedAtMs).toISOString() })),
      edgeCases: data.edgeCases,
    }),
    servedPersons: () => data.persons,
    close: () => server.close(),
  };
}
