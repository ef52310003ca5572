import { randomBytes } from 'node:crypto';
import type { JournalEntry } from '../sandbox/request-journal.js';
import { startGemeenteSandbox } from '../../connectors/gemeente-stuf/sandbox/server.js';
import { startGgzSandbox } from '../../connectors/ggz-fhir/sandbox/server.js';
import { startUwvSandbox } from '../../connectors/uwv-suwinet/sandbox/server.js';

/**
 * The sandboxes the demo starts, one per connector: a real HTTP server speaking the partner's wire
 * format on a free loopback port. Each returns the settings that point the connector at it.
 */
export interface DemoSandbox {
  readonly connector: string;
  readonly url: string;
  /** Settings merged over the partner's configured settings. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly token: string;
  /** The sandbox's request journal (BSNs only as hashes), for tests that check who was asked. */
  journal(): JournalEntry[];
  close(): Promise<void>;
}

export interface DemoSandboxOptions {
  /** The partner the sandbox plays (a gemeente sandbox serves that partner's gemeenten). */
  readonly partnerId: string;
  readonly scenario: 'default' | 'edge-cases' | 'volume';
  readonly seed: number;
  readonly persons: number;
  /** The sandbox's virtual clock, pinned so repeated demo runs see the same data. */
  readonly now: string;
  readonly canaries?: DemoCanaries;
}

export interface DemoCanaries {
  readonly names: readonly string[];
  readonly bsns: readonly string[];
  readonly addresses: readonly string[];
  readonly birthDates: readonly string[];
  readonly notes: readonly string[];
}

type Starter = (options: DemoSandboxOptions) => Promise<DemoSandbox>;

const starters: Readonly<Record<string, Starter>> = {
  'ggz-fhir': async (options) => {
    const token = randomBytes(16).toString('hex');
    const sandbox = await startGgzSandbox({
      token, scenario: options.scenario, seed: options.seed, persons: options.persons, now: options.now, ...canariesOf(options),
    });
    return { connector: 'ggz-fhir', url: sandbox.url, settings: { baseUrl: sandbox.baseUrl }, token, journal: () => sandbox.journal(), close: () => sandbox.close() };
  },
  'gemeente-stuf': async (options) => {
    const token = randomBytes(16).toString('hex');
    // One process per gemeente partner, serving that partner's gemeenten (spec §9).
    const sandbox = await startGemeenteSandbox({ partner: options.partnerId, token, scenario: options.scenario, seed: options.seed, persons: options.persons, now: options.now, ...canariesOf(options) });
    return { connector: 'gemeente-stuf', url: sandbox.url, settings: { baseUrl: sandbox.url }, token, journal: () => sandbox.journal(), close: () => sandbox.close() };
  },
  'uwv-suwinet': async (options) => {
    const token = randomBytes(16).toString('hex');
    const sandbox = await startUwvSandbox({ token, scenario: options.scenario, seed: options.seed, persons: options.persons, now: options.now, ...canariesOf(options) });
    return {
      connector: 'uwv-suwinet', url: sandbox.url, token, journal: () => sandbox.journal(), close: () => sandbox.close(),
      // The sandbox answers at once; the pace limit of a real Suwinet (5 questions a second) would
      // only make the demo wait.
      settings: { inkomstenUrl: sandbox.inkomstenUrl, werknemersverzekeringenUrl: sandbox.werknemersverzekeringenUrl, maxQuestionsPerSecond: 1000, concurrency: 8 },
    };
  },
};

function canariesOf(options: DemoSandboxOptions): { canaries?: { names: string[]; bsns: string[]; addresses: string[]; birthDates: string[]; notes: string[] } } {
  const c = options.canaries;
  return c ? { canaries: { names: [...c.names], bsns: [...c.bsns], addresses: [...c.addresses], birthDates: [...c.birthDates], notes: [...c.notes] } } : {};
}

export function sandboxFor(connectorId: string): Starter | undefined {
  return starters[connectorId];
}
