import { z } from 'zod';
import {
  createControlApi, FaultBook, faultTypes, RequestJournal, startSandboxServer, VirtualClock,
  type FaultType, type JournalEntry, type PreparedResponse,
} from '../../../src/sandbox/index.js';
import type { EdgeCase } from './edge-cases.js';
import { uwvWireFormat } from './envelope.js';
import { groundTruth, type UwvGroundTruth } from './ground-truth.js';
import type { Period } from './sandbox-dates.js';
import { createSuwiHandler } from './suwi-handler.js';
import { uwvControl } from './uwv-control.js';
import { DEFAULT_PERSONS, UwvState, type Scenario } from './uwv-state.js';
import type { Canaries } from '../../../src/sandbox/index.js';
import { parseSandboxOptions, sandboxOptionShape } from '../../../src/sandbox/sandbox-options.js';

/**
 * The UWV Suwinet sandbox: a real HTTP server (node:http) that plays the two SuwiML services of
 * `partners/uwv-suwinet.md` for the demo and the tests, per BSN, with the shared control API and
 * fault injection of `partners/README.md` §3 (plus `soap-fault` with an FWI code, `xml-doctype`,
 * and `match.bsn`, which the journal records only as a hash). Every option is optional.
 *
 * Throws before listening when an option is invalid (naming it) or a fixture file is not XML.
 */
export interface UwvSandboxOptions {
  /** TCP port; 0 (default) picks a free one (7403 by convention for manual use). */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Bearer token partner requests must carry (default `sandbox`). */
  readonly token?: string;
  /** Bearer token of `/__control` (default `control`). */
  readonly controlToken?: string;
  /** `default` (cast + generated), `edge-cases` (default + §8), `volume` (generated only). */
  readonly scenario?: Scenario;
  /** PRNG seed of the generated persons (default 42). */
  readonly seed?: number;
  /** Persons in all: default 500 (cast included) for default/edge-cases, 100,000 generated for volume. */
  readonly persons?: number;
  /** Serve the `{dienst}_{operatie}_{bsn}.xml` answers of this folder instead of generated data (§9). */
  readonly fixturesDir?: string;
  /** Start instant of the virtual clock (ISO 8601 with offset); absent = real time, running. */
  readonly now?: string;
  /** Canary persons: a job at an employer that is a natural person with the canary name and address. */
  readonly canaries?: Canaries;
}

export interface UwvSandbox {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly inkomstenUrl: string;
  readonly werknemersverzekeringenUrl: string;
  readonly port: number;
  readonly token: string;
  readonly controlToken: string;
  close(): Promise<void>;
  /** What is served for a question about `asked` (default: two years up to the clock's day). */
  groundTruth(asked?: Period): UwvGroundTruth;
  health(): Record<string, unknown>;
  /** The request journal, oldest first; BSNs only as hashes. */
  journal(limit?: number): JournalEntry[];
  edgeCases(): readonly EdgeCase[];
  readonly clock: VirtualClock;
}

const optionsSchema = z.strictObject({
  ...sandboxOptionShape,
});

// Paging faults make no sense for per-BSN questions.
const UWV_FAULTS: ReadonlySet<FaultType> = new Set(faultTypes.filter((type) => type !== 'expire-paging'));

export async function startUwvSandbox(options: UwvSandboxOptions = {}): Promise<UwvSandbox> {
  const settings = parseSandboxOptions('uwv sandbox', optionsSchema, options);
  const clock = new VirtualClock(settings.now);
  const initial = {
    scenario: settings.scenario,
    seed: settings.seed,
    persons: settings.persons ?? DEFAULT_PERSONS[settings.scenario],
    personsGiven: settings.persons !== undefined,
    ...(settings.canaries ? { canaries: settings.canaries } : {}),
  };
  const state = new UwvState(clock, settings.fixturesDir, initial);
  const faults = new FaultBook<PreparedResponse>(UWV_FAULTS);
  const journal = new RequestJournal();
  const target = uwvControl({ state, faults, initial });
  const control = createControlApi({ token: settings.controlToken, clock, faults, journal, target });
  let origin = '';
  const server = await startSandboxServer({
    host: settings.host, port: settings.port, token: settings.token, format: uwvWireFormat, handler: createSuwiHandler(state, () => origin), control, faults, journal,
  });
  origin = server.url;
  return {
    url: server.url,
    inkomstenUrl: `${server.url}/SuwiML/UWVDossierInkomstenGSD-v0200/v1`,
    werknemersverzekeringenUrl: `${server.url}/SuwiML/UWVDossierWerknemersverzekeringenGSD-v0200/v1`,
    port: server.port,
    token: settings.token,
    controlToken: settings.controlToken,
    close: () => server.close(),
    groundTruth: (asked) => groundTruth(state, asked),
    health: () => target.health(),
    journal: (limit) => journal.list(limit ?? journal.size),
    edgeCases: () => state.edgeCases,
    clock,
  };
}
