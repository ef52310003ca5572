import { randomBytes } from 'node:crypto';
import { control } from '@werkbrug/connector-kit/sandbox-control.js';
import { kitPartnerId, type ContractSubject, type KitSandbox } from '@werkbrug/connector-kit/contract-subject.js';
import { fullName, type Canaries } from '@werkbrug/sandbox/index.js';
import { __nameCamel__ConfigSchema, type __Name__Config } from './config-schema.js';
import { __nameCamel__Connector } from './connector.js';
import { start__Name__Sandbox, type __Name__Sandbox } from './sandbox/server.js';
import { basePath, faultMatch } from './sandbox/wire.js';

/**
 * The __name__ connector as the contract kit sees it: its sandbox, settings that point at it, and
 * what a full pull must emit according to the sandbox's ground truth. Run with
 * `npm run werkbrug -- connector test __name__`.
 */
const planted: Canaries = {
  names: ['Wilhelmina Kanarievogel'],
  bsns: ['999991437'],
  addresses: ['Kanariepad 77'],
  birthDates: ['1958-02-17'],
  notes: ['KIT-CANARY-NOTE vertelde over schulden en een rechtszaak'],
};

/** A BSN in the forms a partner may write it. */
function bsnForms(bsn: string): string[] {
  return [bsn, `${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)}`, `${bsn.slice(0, 3)}.${bsn.slice(3, 6)}.${bsn.slice(6)}`, ...(bsn.startsWith('0') ? [bsn.slice(1)] : [])];
}

// The kit holds the KitSandbox; the subject finds its own sandbox behind it here.
const started = new WeakMap<KitSandbox, __Name__Sandbox>();

function own(sandbox: KitSandbox): __Name__Sandbox {
  const found = started.get(sandbox);
  if (!found) throw new TypeError('__name__ contract: not a sandbox this subject started');
  return found;
}

export const contractSubject: ContractSubject<__Name__Config> = {
  connector: __nameCamel__Connector,
  kind: '__kind__',
  smallScenarioPersons: 12,
  /*__SOAP_SUBJECT__*/
  async startSandbox(options) {
    const sandbox = await start__Name__Sandbox({
      token: randomBytes(12).toString('hex'), controlToken: randomBytes(12).toString('hex'), now: options.now,
      scenario: options.scenario, empty: options.empty ?? false,
      ...(options.persons === undefined ? {} : { persons: options.persons }),
      ...(options.canaries ? { canaries: planted } : {}),
    });
    const kit: KitSandbox = {
      url: sandbox.url,
      token: sandbox.token,
      controlToken: sandbox.controlToken,
      canaries: () => [
        ...(options.canaries ? (planted.notes ?? []) : []),
        ...sandbox.servedPersons().flatMap((person) => [...bsnForms(person.bsn), fullName(person), `${person.street} ${person.houseNumber}`, person.birthDate]),
      ],
      close: () => sandbox.close(),
    };
    started.set(kit, sandbox);
    return kit;
  },
  settings: (sandbox, { pageSize, tokenEnv }) => __nameCamel__ConfigSchema.parse({ baseUrl: `${sandbox.url}${basePath}`, tokenEnv, ...(pageSize === undefined ? {} : { pageSize }) }),
  expected(sandbox) {
    const truth = own(sandbox).groundTruth();
    const rejected = new Set(truth.edgeCases.map((edge) => edge.id));
    const ref = (id: string, version: number): string => `${kitPartnerId}:placement/${id}/_history/${version}`;
    return {
      recordRefs: truth.placements.filter((placement) => !rejected.has(placement.id)).map((placement) => ref(placement.id, placement.version)),
      rejections: truth.edgeCases.map((edge) => ({ sourceRef: ref(edge.id, truth.placements.find((placement) => placement.id === edge.id)?.version ?? 1), reason: edge.reason })),
    };
  },
  async mutate(sandbox, count) {
    const chosen = own(sandbox).groundTruth().placements.slice(0, count);
    // A minute later than anything served, as a partner user would change a record.
    await control(sandbox, 'POST', 'clock', { advanceSeconds: 60 });
    for (const placement of chosen) await control(sandbox, 'PUT', `records/placement/${placement.id}`, { bsn: '999990019', startDate: '2025-09-01', hoursPerWeek: 36 });
    return chosen.map((placement) => `${kitPartnerId}:placement/${placement.id}`);
  },
  faultMatch: () => faultMatch,
};
