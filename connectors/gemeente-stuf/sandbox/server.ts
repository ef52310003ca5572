import { z } from 'zod';
import {
  createControlApi, FaultBook, faultTypes, RequestJournal, startSandboxServer, VirtualClock,
  type FaultType, type JournalEntry, type PreparedResponse,
} from '../../../src/sandbox/index.js';
import { XSI_NS } from '../../../src/xml/xml-document.js';
import { PW_NS, SERVICE_PATH, STUF_NS, type Entiteittype } from '../stuf-names.js';
import type { Canaries } from './canary-plans.js';
import { DEFAULT_PERSONS, type Scenario } from './caseload.js';
import type { EdgeCase } from './edge-cases.js';
import { gemeenteControl } from './gemeente-control.js';
import { GemeenteState } from './gemeente-state.js';
import { groundTruth, type GemeenteGroundTruth } from './ground-truth.js';
import { gemeentePartner, partnerIds } from './partners.js';
import { stufWireFormat } from './soap-answers.js';
import { createStufHandler } from './stuf-handler.js';
import { renderNode, standardStyle } from './xml-node.js';
import { parseSandboxOptions, sandboxOptionShape } from '../../../src/sandbox/sandbox-options.js';

/**
 * The gemeente StUF sandbox: a real HTTP server (node:http) that plays one gemeente partner's
 * social-services suite of `partners/gemeente-stuf.md` for the demo and the tests, with the shared
 * control API and fault injection of `partners/README.md` §3 plus `soap-fault`, `xml-doctype` and
 * `stuf-empty-vervolg`. Every option is optional; see {@link GemeenteSandboxOptions}.
 *
 * Throws before listening when an option is invalid (naming it) or a fixture file is not XML;
 * rejects when the port cannot be bound.
 */
export interface GemeenteSandboxOptions {
  /** Which partner to play (default `gem-utrecht`): its gemeenten, ontvanger code and cast. */
  readonly partner?: string;
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
  /** Serve the `{ENTITEITTYPE}_La01_{nnn}.xml` files of this folder instead of generated data (§9). */
  readonly fixturesDir?: string;
  /** Serve nothing at all (every question answers no objects). */
  readonly empty?: boolean;
  /** Start instant of the virtual clock (ISO 8601 with offset); absent = real time, running. */
  readonly now?: string;
  /** Values planted in served objects for privacy tests (`canary-plans.ts`). */
  readonly canaries?: Canaries;
}

export interface GemeenteSandbox {
  /** Origin, e.g. `http://127.0.0.1:54321`: the connector's `baseUrl`. */
  readonly url: string;
  /** `url + /stuf/pw0100/BeantwoordVraag`. */
  readonly serviceUrl: string;
  readonly partner: string;
  /** The `ontvanger` organisation code questions must carry (`0344`, `WIL`). */
  readonly ontvanger: string;
  readonly port: number;
  readonly token: string;
  readonly controlToken: string;
  close(): Promise<void>;
  /** Every object served with its mutations and what the connector must make of them. */
  groundTruth(): GemeenteGroundTruth;
  health(): Record<string, unknown>;
  /** The request journal, oldest first (last `limit`, default all kept). */
  journal(limit?: number): JournalEntry[];
  edgeCases(): readonly EdgeCase[];
  /**
   * The current state of an object as a standalone `PW:object` (namespaces declared), as a test
   * would PUT it back through the control API; undefined when it is unknown or removed.
   */
  objectXml(entiteittype: Entiteittype, identificatie: string): string | undefined;
  readonly clock: VirtualClock;
}

const optionsSchema = z.strictObject({
  ...sandboxOptionShape,
  partner: z.enum(partnerIds).default('gem-utrecht'),
  empty: z.boolean().default(false),
});

// Every shared fault but FHIR's expire-paging.
const STUF_FAULTS: ReadonlySet<FaultType> = new Set(faultTypes.filter((type) => type !== 'expire-paging'));

export async function startGemeenteSandbox(options: GemeenteSandboxOptions = {}): Promise<GemeenteSandbox> {
  const settings = parseSandboxOptions('gemeente sandbox', optionsSchema, options);
  const partner = gemeentePartner(settings.partner);
  const clock = new VirtualClock(settings.now);
  const initial = {
    scenario: settings.scenario,
    seed: settings.seed,
    persons: settings.persons ?? DEFAULT_PERSONS[settings.scenario],
    personsGiven: settings.persons !== undefined,
    ...(settings.canaries ? { canaries: settings.canaries } : {}),
    ...(settings.empty ? { empty: true } : {}),
  };
  const state = new GemeenteState(partner, clock, initial, settings.fixturesDir);
  const faults = new FaultBook<PreparedResponse>(STUF_FAULTS);
  const journal = new RequestJournal();
  const target = gemeenteControl({ state, initial });
  const control = createControlApi({ token: settings.controlToken, clock, faults, journal, target });
  const server = await startSandboxServer({
    host: settings.host, port: settings.port, token: settings.token, format: stufWireFormat, handler: createStufHandler(state), control, faults, journal,
  });
  return {
    url: server.url,
    serviceUrl: `${server.url}${SERVICE_PATH}`,
    partner: partner.id,
    ontvanger: partner.ontvanger,
    port: server.port,
    token: settings.token,
    controlToken: settings.controlToken,
    close: () => server.close(),
    groundTruth: () => groundTruth(state),
    health: () => target.health(),
    journal: (limit) => journal.list(limit ?? journal.size),
    edgeCases: () => state.caseload.edgeCases,
    objectXml: (entiteittype, identificatie) => {
      const latest = state.caseload.log.latest(entiteittype, identificatie);
      if (!latest || latest.soort === 'V') return undefined;
      const xml = renderNode(latest.build(latest.n, latest.tijdstip), standardStyle).join('');
      return xml.replace('<PW:object', `<PW:object xmlns:PW="${PW_NS}" xmlns:StUF="${STUF_NS}" xmlns:xsi="${XSI_NS}"`);
    },
    clock,
  };
}
