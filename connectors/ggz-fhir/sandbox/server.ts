import { z } from 'zod';
import {
  createControlApi, FaultBook, faultTypes, RequestJournal, startSandboxServer, VirtualClock,
  type FaultType, type JournalEntry, type PreparedResponse,
} from '../../../src/sandbox/index.js';
import type { Canaries } from './canary-plans.js';
import { DEFAULT_PERSONS, type Scenario } from './caseload.js';
import type { EdgeCase } from './edge-cases.js';
import { createFhirHandler } from './fhir-handler.js';
import { ggzWireFormat } from './fhir-json.js';
import { ggzControl } from './ggz-control.js';
import { GgzState } from './ggz-state.js';
import { groundTruth, type GgzGroundTruth } from './ground-truth.js';
import { parseSandboxOptions, sandboxOptionShape } from '../../../src/sandbox/sandbox-options.js';

/**
 * The ggz FHIR R4 sandbox: a real HTTP server (node:http) that plays the ggz EPD of
 * `partners/ggz-fhir-r4.md` for the demo and the tests, with the shared control API and fault
 * injection of `partners/README.md` §3. Every option is optional; see {@link GgzSandboxOptions}.
 *
 * Throws before listening when an option is invalid (naming the option) or a fixture file is not
 * FHIR JSON; rejects when the port cannot be bound.
 */
export interface GgzSandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Bearer token partner requests must carry (default `sandbox`). */
  readonly token?: string;
  /** Bearer token of `/__control` (default `control`). */
  readonly controlToken?: string;
  /** `default` (cast + generated), `edge-cases` (default + §7), `volume` (generated only). */
  readonly scenario?: Scenario;
  /** PRNG seed of the generated persons (default 42). */
  readonly seed?: number;
  /** Persons in all: default 500 (cast included) for default/edge-cases, 100,000 generated for volume. */
  readonly persons?: number;
  /** Serve the FHIR JSON files of this folder instead of generated data (§8). */
  readonly fixturesDir?: string;
  /** Serve Consent only under this path (e.g. `/consent/fhir`), 404 on `/fhir/Consent` (§5.1). */
  readonly consentBase?: string;
  /** Lifetime of a frozen result set on the virtual clock (default 600 s). */
  readonly pagingTtlSeconds?: number;
  /** Start instant of the virtual clock (ISO 8601 with offset); absent = real time, running. */
  readonly now?: string;
  /** Values planted in served resources for privacy tests (see `canary-plans.ts`). */
  readonly canaries?: Canaries;
}

export interface GgzSandbox {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** `url + '/fhir'`. */
  readonly baseUrl: string;
  /** `url + consentBase` when a consent base is set. */
  readonly consentBaseUrl?: string;
  readonly port: number;
  readonly token: string;
  readonly controlToken: string;
  /** Stops listening and cuts open connections (hung ones too). */
  close(): Promise<void>;
  /** What is served now and the seeded consent per person (`ground-truth.ts`). */
  groundTruth(): GgzGroundTruth;
  /** What `GET /__control/health` answers: scenario, seed, clock, record counts. */
  health(): Record<string, unknown>;
  /** The request journal, oldest first (last `limit`, default all kept). */
  journal(limit?: number): JournalEntry[];
  edgeCases(): readonly EdgeCase[];
  readonly clock: VirtualClock;
}

const optionsSchema = z.strictObject({
  ...sandboxOptionShape,
  consentBase: z.string().regex(/^(\/[A-Za-z0-9_-]+)+$/, 'a path such as /consent/fhir').refine((path) => path !== '/fhir' && !path.startsWith('/__control'), 'not /fhir or /__control').optional(),
  pagingTtlSeconds: z.number().int().min(1).max(86_400).default(600),
});

const FHIR_FAULTS: ReadonlySet<FaultType> = new Set(faultTypes.filter((type) => type !== 'soap-fault' && type !== 'xml-doctype' && type !== 'stuf-empty-vervolg'));

export async function startGgzSandbox(options: GgzSandboxOptions = {}): Promise<GgzSandbox> {
  const settings = parseSandboxOptions('ggz sandbox', optionsSchema, options);
  const clock = new VirtualClock(settings.now);
  const initial = {
    scenario: settings.scenario,
    seed: settings.seed,
    persons: settings.persons ?? DEFAULT_PERSONS[settings.scenario],
    personsGiven: settings.persons !== undefined,
    ...(settings.canaries ? { canaries: settings.canaries } : {}),
  };
  const state = new GgzState(clock, {
    pagingTtlSeconds: settings.pagingTtlSeconds,
    ...(settings.consentBase ? { consentBase: settings.consentBase } : {}),
    ...(settings.fixturesDir ? { fixturesDir: settings.fixturesDir } : {}),
  }, initial);
  const faults = new FaultBook<PreparedResponse>(FHIR_FAULTS);
  const journal = new RequestJournal();
  const target = ggzControl({ state, faults, initial });
  const control = createControlApi({ token: settings.controlToken, clock, faults, journal, target });
  const server = await startSandboxServer({
    host: settings.host, port: settings.port, token: settings.token, format: ggzWireFormat, handler: createFhirHandler(state), control, faults, journal,
  });
  state.origin = server.url;
  return {
    url: server.url,
    baseUrl: `${server.url}/fhir`,
    ...(settings.consentBase ? { consentBaseUrl: `${server.url}${settings.consentBase}` } : {}),
    port: server.port,
    token: settings.token,
    controlToken: settings.controlToken,
    close: () => server.close(),
    groundTruth: () => groundTruth(state),
    health: () => target.health(),
    journal: (limit) => journal.list(limit ?? journal.size),
    edgeCases: () => state.dataset.edgeCases,
    clock,
  };
}
