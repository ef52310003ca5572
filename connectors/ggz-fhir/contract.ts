import { randomBytes } from 'node:crypto';
import { control } from '../../src/connector-kit/sandbox-control.js';
import { kitPartnerId, type ContractSubject, type KitExpectation, type KitSandbox, type KitSandboxOptions } from '../../src/connector-kit/contract-subject.js';
import { CAST, CAST_INVALID, fullName } from '../../src/sandbox/index.js';
import type { Canaries } from '../../src/sandbox/index.js';
import { ggzFhirConfigSchema, type GgzFhirConfig } from './config-schema.js';
import { ggzFhirConnector } from './connector.js';
import { deletionsStream, searchStreams } from './item.js';
import { startGgzSandbox, type GgzSandbox } from './sandbox/server.js';

/**
 * The ggz FHIR connector as the contract kit sees it (`src/connector-kit/`): its sandbox, settings
 * that point at it, and what a full pull must emit according to the sandbox's ground truth. Run
 * with `npm run werkbrug -- connector test ggz-fhir`.
 */
const planted: Canaries = {
  names: ['Wilhelmina Kanarievogel', 'Yıldız Kanaryaoğlu'],
  bsns: ['999991437', '999992417'],
  addresses: ['Kanariepad 77', 'Vogelkooi 3'],
  birthDates: ['1958-02-17', '1961-11-03'],
  notes: ['KIT-CANARY-NOTE cliënt vertelde over zijn schulden en de rechtszaak'],
};

/** A BSN in the forms a partner may write it (`999 990 019`, `999.990.019`, leading zero lost). */
function bsnForms(bsn: string): string[] {
  return [bsn, `${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)}`, `${bsn.slice(0, 3)}.${bsn.slice(3, 6)}.${bsn.slice(6)}`, ...(bsn.startsWith('0') ? [bsn.slice(1)] : [])];
}

interface Started {
  readonly sandbox: GgzSandbox;
  readonly options: KitSandboxOptions;
}

// The kit holds the KitSandbox; the subject finds its own sandbox behind it here.
const started = new WeakMap<KitSandbox, Started>();

function own(sandbox: KitSandbox): Started {
  const entry = started.get(sandbox);
  if (!entry) throw new TypeError('ggz contract: not a sandbox this subject started');
  return entry;
}

function canariesOf(entry: Started): string[] {
  const truth = entry.sandbox.groundTruth();
  const people = [...CAST, ...CAST_INVALID];
  return [
    ...(entry.options.canaries ? [...(planted.names ?? []), ...(planted.addresses ?? []), ...(planted.birthDates ?? []), ...(planted.notes ?? [])] : []),
    ...new Set([...truth.persons.map((person) => person.bsn), ...people.map((person) => person.bsn)].flatMap(bsnForms)),
    ...people.flatMap((person) => [fullName(person), `${person.street} ${person.houseNumber}`, person.birthDate]),
  ];
}

/**
 * What the edge must quarantine in the sandbox's `edge-cases` scenario (`partners/ggz-fhir-r4.md`
 * §7), by resource and reason. A person-level case (E01, E02, E07) quarantines every record of its
 * Patient. Cases the connector accepts (E03–E06, E08, E09, E15, E27, …) or that only bite across
 * pages or runs (E16–E19, with one large page they do not) are absent on purpose.
 */
const cases: ReadonlyArray<readonly [string, string, KitExpectation['rejections'][number]['reason']]> = [
  ['Consent', 'edge-01-no-bsn-consent', 'bsn-missing'],
  ['EpisodeOfCare', 'edge-01-no-bsn-eoc', 'bsn-missing'],
  ['Consent', 'edge-02-x1-invalid-bsn-consent', 'bsn-invalid'],
  ['EpisodeOfCare', 'edge-02-x1-invalid-bsn-eoc', 'bsn-invalid'],
  ['Consent', 'edge-02-x2-invalid-bsn-consent', 'bsn-invalid'],
  ['EpisodeOfCare', 'edge-02-x2-invalid-bsn-eoc', 'bsn-invalid'],
  ['Consent', 'edge-07-two-bsns-consent', 'bsn-conflict'],
  ['EpisodeOfCare', 'edge-07-two-bsns-eoc', 'bsn-conflict'],
  ['ServiceRequest', 'edge-10-missing-patient', 'subject-unresolvable'],
  ['ServiceRequest', 'edge-11-status-suspended', 'unknown-code'],
  ['ServiceRequest', 'edge-13-invalid-authored', 'invalid-date'],
  ['EpisodeOfCare', 'edge-13-template-placeholder', 'invalid-date'],
  ['Consent', 'edge-13-datetime-no-offset', 'invalid-date'],
  ['EpisodeOfCare', 'edge-14-end-before-start', 'invalid-period'],
  ['EpisodeOfCare', 'edge-25-unknown-modifier', 'unknown-modifier'],
  ['Consent', 'edge-28-no-patient', 'required-missing'],
];

export function ggzEdgeCaseRejections(partnerId: string): KitExpectation['rejections'] {
  return cases.map(([type, id, reason]) => ({ sourceRef: `${partnerId}:${type}/${id}/_history/1`, reason }));
}

const resourceTypes: readonly string[] = searchStreams;

function expected(sandbox: KitSandbox): KitExpectation {
  const entry = own(sandbox);
  const truth = entry.sandbox.groundTruth();
  const recordRefs = Object.entries(truth.resources)
    .filter(([type]) => resourceTypes.includes(type))
    .flatMap(([type, resources]) => resources.map((resource) => `${kitPartnerId}:${type}/${resource.id}/_history/${resource.versionId}`));
  return { recordRefs, rejections: entry.options.scenario === 'edge-cases' ? ggzEdgeCaseRejections(kitPartnerId) : [] };
}

/** Puts a new version of `count` trajectories (the clock moved a minute on first), as an EPD user would. */
async function mutate(sandbox: KitSandbox, count: number): Promise<readonly string[]> {
  const entry = own(sandbox);
  const live = (entry.sandbox.groundTruth().resources.EpisodeOfCare ?? []).filter((resource) => !resource.deleted).slice(0, count);
  await control(sandbox, 'POST', 'clock', { advanceSeconds: 60 });
  for (const resource of live) {
    const answer = await fetch(`${entry.sandbox.baseUrl}/EpisodeOfCare/${resource.id}`, { headers: { Authorization: `Bearer ${sandbox.token}`, Accept: 'application/fhir+json' } });
    const body = (await answer.text()).replace(/^\uFEFF/, '');
    await control(sandbox, 'PUT', `records/EpisodeOfCare/${resource.id}`, body);
  }
  return live.map((resource) => `${kitPartnerId}:EpisodeOfCare/${resource.id}`);
}

export const contractSubject: ContractSubject<GgzFhirConfig> = {
  connector: ggzFhirConnector,
  kind: 'fhir',
  smallScenarioPersons: 24,
  async startSandbox(options) {
    const sandbox = await startGgzSandbox({
      token: randomBytes(12).toString('hex'),
      controlToken: randomBytes(12).toString('hex'),
      now: options.now,
      // Nothing at all: the volume scenario holds only generated persons, and none are asked for.
      ...(options.empty ? { scenario: 'volume', persons: 0 } : { scenario: options.scenario, ...(options.persons === undefined ? {} : { persons: options.persons }) }),
      ...(options.canaries ? { canaries: planted } : {}),
    });
    const kit: KitSandbox = {
      url: sandbox.url,
      token: sandbox.token,
      controlToken: sandbox.controlToken,
      canaries: () => canariesOf({ sandbox, options }),
      close: () => sandbox.close(),
    };
    started.set(kit, { sandbox, options });
    return kit;
  },
  settings: (sandbox, { pageSize, tokenEnv }) => ggzFhirConfigSchema.parse({ baseUrl: `${sandbox.url}/fhir`, tokenEnv, ...(pageSize === undefined ? {} : { pageSize }) }),
  expected,
  mutate,
  faultMatch: (stream) => ({ method: 'GET', path: stream === deletionsStream ? '/fhir/ServiceRequest/_history' : `/fhir/${stream}` }),
};
