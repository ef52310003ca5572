import type { PersonQuestion, PullContext } from '../../src/connector/connector.js';
import type { ContractSubject, KitExpectation, KitSandbox } from '../../src/connector-kit/contract-subject.js';
import { addDays, addMonths, CAST, type Canaries } from '../../src/sandbox/index.js';
import type { Pseudonymiser } from '../../src/stages/pseudonymise.js';
import type { QuarantineReason } from '../../src/trajectory/codes.js';
import { defaultCdSzWetMap, type UwvSuwinetConfig } from './config-schema.js';
import { uwvSuwinetConnector } from './connector.js';
import { answerKey, recordKey, refOf } from './mapping/source-ref.js';
import type { PersonTruth } from './sandbox/ground-truth.js';
import { startUwvSandbox, type UwvSandbox } from './sandbox/server.js';
import { datum } from './suwiml.js';

/**
 * The UWV connector for the contract kit (`src/connector-kit/`). The persons to ask about are all
 * the sandbox serves (cast, generated, edge-case and canary persons), each with the two years up
 * to the sandbox clock's day as period; the expectation follows from the sandbox's ground truth
 * for that period. Record keys are keyed hashes, so `mutate` uses the pseudonymiser the kit
 * handed `pullContext` or `expected` before; the kit's partner id for UWV is `uwv`.
 */
export const contractPartnerId = 'uwv';

const CANARIES: Canaries = {
  names: ['Wilhelmina Kanariepiet'],
  addresses: ['Zwaluwstaartsteeg 77'],
  birthDates: ['1971-03-29'],
};

interface Held {
  readonly sandbox: UwvSandbox;
  readonly empty: boolean;
  pseudonymiser?: Pseudonymiser;
}
const held = new WeakMap<KitSandbox, Held>();

function holdOf(kit: KitSandbox): Held {
  const h = held.get(kit);
  if (!h) throw new Error('uwv contract: not a sandbox this subject started');
  return h;
}

function askedPeriod(sandbox: UwvSandbox): { from: string; to: string } {
  const today = sandbox.groundTruth().asked.to;
  return { from: addMonths(today, -24), to: today };
}

function truth(h: Held): readonly PersonTruth[] {
  return h.empty ? [] : h.sandbox.groundTruth(askedPeriod(h.sandbox)).persons;
}

function expectationOf(persons: readonly PersonTruth[], asked: { from: string; to: string }, ps: Pseudonymiser): KitExpectation {
  const recordRefs: string[] = [];
  const rejections: Array<{ sourceRef: string; reason: QuarantineReason }> = [];
  for (const person of persons) {
    if (person.relatesTo !== 'ok') continue;
    if (person.answersAboutOtherBsn) {
      if (person.ikv === 'data') rejections.push({ sourceRef: refOf(answerKey(contractPartnerId, 'ikv', ps, person.bsn, 'ikv-answer'), asked.to), reason: 'bsn-mismatch' });
      if (person.wv === 'data') rejections.push({ sourceRef: refOf(answerKey(contractPartnerId, 'uv', ps, person.bsn, 'uv-answer'), asked.to), reason: 'bsn-mismatch' });
      continue;
    }
    for (const relation of person.relations) {
      const ikv = relation.service === 'ikv';
      const periodEnd = ikv ? person.delivered.to : asked.to;
      relation.expected.forEach((outcome, e) => {
        const parts = e === 0 ? relation.keyParts : [...relation.keyParts, relation.periodStarts[e] ?? ''];
        const ref = refOf(recordKey(contractPartnerId, ikv ? 'ikv' : 'uv', ps, parts), periodEnd);
        if (outcome.kind === 'employment' || outcome.kind === 'benefit') recordRefs.push(ref);
        else if (outcome.kind === 'rejected') rejections.push({ sourceRef: ref, reason: outcome.reason });
      });
    }
  }
  return { recordRefs, rejections };
}

export const contractSubject: ContractSubject<UwvSuwinetConfig> = {
  connector: uwvSuwinetConnector,
  partnerId: contractPartnerId,
  kind: 'soap',
  async startSandbox(options) {
    const sandbox = await startUwvSandbox({ scenario: options.scenario, persons: options.persons ?? 30, now: options.now, ...(options.canaries ? { canaries: CANARIES } : {}) });
    const canaryBsns = sandbox.groundTruth().persons.filter((p) => p.key.startsWith('C')).map((p) => p.bsn);
    const kit: KitSandbox = {
      url: sandbox.url,
      token: sandbox.token,
      controlToken: sandbox.controlToken,
      canaries: () => [
        ...[...CAST.map((p) => p.bsn), ...canaryBsns].flatMap((bsn) => [bsn, `${bsn.slice(0, 3)} ${bsn.slice(3, 5)} ${bsn.slice(5)}`]),
        ...(options.canaries ? [...(CANARIES.names ?? []), 'Kanariepiet', ...(CANARIES.addresses ?? []), 'Zwaluwstaartsteeg'] : []),
      ],
      close: () => sandbox.close(),
    };
    held.set(kit, { sandbox, empty: options.empty === true });
    return kit;
  },
  settings(kit, options) {
    const { sandbox } = holdOf(kit);
    return {
      inkomstenUrl: sandbox.inkomstenUrl,
      werknemersverzekeringenUrl: sandbox.werknemersverzekeringenUrl,
      tokenEnv: options.tokenEnv,
      afnemerOin: '00000001999999999000',
      fromAddress: 'https://werkbrug.example/edge/am13',
      personsPerPage: options.pageSize ?? 25,
      concurrency: 4,
      // The sandbox needs no protection; a high pace keeps the kit fast (production: 5).
      maxQuestionsPerSecond: 1000,
      cdSzWetMap: { ...defaultCdSzWetMap },
    };
  },
  pullContext(kit, pseudonymiser): PullContext {
    const h = holdOf(kit);
    h.pseudonymiser = pseudonymiser;
    const period = askedPeriod(h.sandbox);
    const persons: PersonQuestion[] = truth(h).map((p) => ({ bsn: p.bsn, pseudonym: pseudonymiser.person(p.bsn), period }));
    return { persons: persons.sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : a.pseudonym > b.pseudonym ? 1 : 0)) };
  },
  expected(kit, pseudonymiser) {
    const h = holdOf(kit);
    h.pseudonymiser = pseudonymiser;
    return expectationOf(truth(h), askedPeriod(h.sandbox), pseudonymiser);
  },
  async mutate(kit, count) {
    const h = holdOf(kit);
    const ps = h.pseudonymiser;
    if (!ps) throw new Error('uwv contract: mutate needs the pseudonymiser handed to pullContext or expected first (record keys are keyed hashes)');
    const asked = askedPeriod(h.sandbox);
    // Persons with exactly one relation, a running job: UWV reports that it ended last month.
    const jobs = truth(h).filter((p) => !p.cast && p.relatesTo === 'ok' && !p.answersAboutOtherBsn && p.wv === 'not-found' && p.relations.length === 1 && p.relations[0]?.expected[0]?.kind === 'employment' && p.relations[0].end === undefined);
    const changed: string[] = [];
    for (const person of jobs.slice(0, count)) {
      const relation = person.relations[0];
      if (!relation) continue;
      const [bsn, lhnr, volgnr] = relation.keyParts as [string, string, string];
      const end = addDays(`${asked.to.slice(0, 8)}01`, -1);
      const xml = `<ClientSuwi><Burgerservicenr>${bsn}</Burgerservicenr><Inkomstenverhouding><VolgnrIkv>${volgnr}</VolgnrIkv><DatBIkv>${relation.start}</DatBIkv><DatEIkv>${datum(end)}</DatEIkv><AdministratieveEenheid><Loonheffingennr>${lhnr}</Loonheffingennr></AdministratieveEenheid><Inkomstenperiode><DatBIkp>${relation.start}</DatBIkp><DatEIkp>${datum(end)}</DatEIkp><CdSrtIkv>${relation.codes?.cdSrtIkv ?? '15'}</CdSrtIkv><CdAardIkv>${relation.codes?.cdAardIkv ?? '01'}</CdAardIkv></Inkomstenperiode></Inkomstenverhouding></ClientSuwi>`;
      const response = await fetch(`${h.sandbox.url}/__control/records/ClientSuwi/${bsn}`, { method: 'PUT', headers: { Authorization: `Bearer ${h.sandbox.controlToken}`, 'Content-Type': 'application/xml' }, body: xml });
      if (!response.ok) throw new Error(`uwv contract: PUT ClientSuwi answered ${response.status}`);
      changed.push(recordKey(contractPartnerId, 'ikv', ps, [bsn, lhnr, volgnr]));
    }
    return changed;
  },
  faultMatch: () => ({ method: 'POST', path: '/SuwiML/' }),
  transientSoapFaultCode: 'FWI0001',
  smallScenarioPersons: 30,
};
